// The Comuni of the union a deployment serves (config `union`): codes, names, and which require an approved access
// request (accesso agli atti) before a professional may view a practice's documents.
import { z } from 'zod';

/** The Comune of records written without one (single-Comune deployments, data from before the union). */
export const DEFAULT_COMUNE_CODE = 'C000';

/** A Comune's code: the cadastral (Belfiore) code such as "E730", or any short id of letters, digits, - and _. */
export const comuneCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,16}$/, 'codice del Comune non valido')
  .transform((s) => s.toUpperCase());

export interface Comune {
  code: string;
  name: string;
  /** Professionals see this Comune's practice documents only under an approved access request. */
  requireAccessRequest: boolean;
}

export interface UnionSettings {
  /** Name of the union, e.g. "Unione dei Comuni della Bassa Romagna". */
  name: string;
  comuni: Comune[];
  /** The Comune of batches and users created without one (the first of `comuni` by default). */
  defaultComune: string;
  /** Days an approved access request lasts. */
  accessDays: number;
  /** Window of the "requests in the same area" term of the scan work-list priority, in days. */
  areaDays: number;
}

export class UnknownComuneError extends Error {
  readonly statusCode = 400;
  readonly code = 'UNKNOWN_COMUNE';
  constructor(code: string) {
    super(`Comune sconosciuto: ${code}`);
    this.name = 'UnknownComuneError';
  }
}

/** The Comune of `code` (case-insensitive), or an UnknownComuneError. */
export function comuneOf(settings: UnionSettings, code: string): Comune {
  const found = settings.comuni.find((c) => c.code === code.toUpperCase());
  if (!found) throw new UnknownComuneError(code);
  return found;
}

export function comuneName(settings: UnionSettings, code: string): string {
  return settings.comuni.find((c) => c.code === code)?.name ?? code;
}
