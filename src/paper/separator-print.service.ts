// Separator sheets printed from the app (issue 12): turns a print request (practice sheets by inventory record or by
// explicit practice key, document-type sheets, generic sheets, copies) into separator payloads, with the Comune, the
// procedure and the box location taken from the paper inventory, for the Comuni the user acts on. Also the sheets for
// the whole digitisation work list, in work-list order (one pile per box at the scanning station).
import { z } from 'zod';
import { parsePracticeKey } from '../classify/practice-keys.ts';
import { DOCUMENT_TYPES, PROCEDURE_TYPES, type DocumentType, type ProcedureType } from '../domain/vocabulary.ts';
import {
  encodeSeparator,
  InvalidSeparatorError,
  type PracticeSeparator,
  type SeparatorPayload,
} from '../scan/separator.payload.ts';
import { comuneName, comuneOf, UnknownComuneError, type UnionSettings } from '../tenancy/comuni.ts';
import { actsOn, type TenantScope } from '../tenancy/tenant-scope.ts';
import { locationLabel, type WorklistItem } from './digitisation.service.ts';
import type { InventoryRecord, PaperStore } from './paper-store.ts';

/** Most sheets one request prints (copies included): a few boxes' worth, a PDF of a few MB. */
export const MAX_SEPARATOR_PAGES = 1000;
export const MAX_COPIES = 50;
/** Longest box location a separator carries (the payload's limit). */
const MAX_BOX = 80;

/** Practice key prefix of the inventory → procedure type of the vocabulary ("PE" says no procedure: none). */
const PROCEDURE_BY_PREFIX: Readonly<Record<string, ProcedureType>> = {
  PDC: 'permesso_di_costruire',
  SCIA: 'scia',
  CILA: 'cila',
  DIA: 'dia',
  CE: 'concessione_edilizia',
  LE: 'licenza_edilizia',
  COND: 'condono',
  AGI: 'agibilita',
  AP: 'autorizzazione_paesaggistica',
};

const copies = z.number().int().min(1).max(MAX_COPIES);

export const separatorSheetRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('practice'),
    inventoryId: z.uuid().meta({ description: 'Pratica dell\u2019inventario cartaceo: Comune, numero, collocazione' }),
    copies: copies.optional(),
  }),
  z.strictObject({
    kind: z.literal('practice-key'),
    comune: z.string().trim().min(1).max(10).meta({ description: 'Codice del Comune' }),
    practiceKey: z.string().trim().min(1).max(60).meta({ description: 'Numero di pratica, es. "PE 123/1987"' }),
    procedure: z.enum(PROCEDURE_TYPES).optional(),
    box: z.string().trim().min(1).max(MAX_BOX).optional().meta({ description: 'Collocazione, se non in inventario' }),
    copies: copies.optional(),
  }),
  z.strictObject({
    kind: z.literal('document-type'),
    documentType: z.enum(DOCUMENT_TYPES),
    practiceKey: z.string().trim().min(1).max(60).optional(),
    copies: copies.optional(),
  }),
  z.strictObject({
    kind: z.literal('generic'),
    note: z.string().trim().min(1).max(60).optional(),
    copies: copies.optional(),
  }),
]);

export const separatorPrintRequestSchema = z.strictObject({
  sheets: z.array(separatorSheetRequestSchema).min(1).max(MAX_SEPARATOR_PAGES),
  /** Copies of every sheet that does not say its own. */
  copies: copies.default(1),
  /** After each practice sheet, one sheet per type printed for that practice. */
  documentTypes: z.array(z.enum(DOCUMENT_TYPES)).max(DOCUMENT_TYPES.length).default([]),
});
export type SeparatorSheetRequest = z.infer<typeof separatorSheetRequestSchema>;
export type SeparatorPrintRequest = z.infer<typeof separatorPrintRequestSchema>;

export class SeparatorPrintError extends Error {
  constructor(
    message: string,
    readonly statusCode: 400 | 403 | 404,
    readonly code: string,
  ) {
    super(message);
    this.name = 'SeparatorPrintError';
  }
}

export interface SeparatorPlan {
  payloads: SeparatorPayload[];
  /** Comuni the practice sheets belong to (for the audit entry). */
  comuni: string[];
  practiceKeys: string[];
}

export interface WorklistSeparatorPlan extends SeparatorPlan {
  /** Work-list practices without a printable sheet, and why (the others are printed). */
  skipped: Array<{ practiceKey: string; comune: string; reason: string }>;
}

/** The procedure type of an inventory prefix, if the vocabulary knows one. */
export function procedureOfPrefix(prefix: string): ProcedureType | undefined {
  return PROCEDURE_BY_PREFIX[prefix.toUpperCase()];
}

/** The box location label cut to what a separator carries. */
function boxOf(record: InventoryRecord): string | undefined {
  const label = locationLabel(record.location);
  if (!label) return undefined;
  return label.length <= MAX_BOX ? label : `${label.slice(0, MAX_BOX - 1).trimEnd()}\u2026`;
}

/** The practice separator of an inventory record (validated: throws InvalidSeparatorError). */
export function practiceSeparatorOf(record: InventoryRecord, union: UnionSettings): PracticeSeparator {
  const sheet: PracticeSeparator = {
    kind: 'practice',
    comune: comuneName(union, record.comune),
    pratica: record.practiceKey,
  };
  const proc = procedureOfPrefix(record.procedureType);
  if (proc) sheet.proc = proc;
  const box = boxOf(record);
  if (box) sheet.box = box;
  encodeSeparator(sheet);
  return sheet;
}

const typeSheets = (types: readonly DocumentType[], pratica: string): SeparatorPayload[] =>
  types.map((tipo) => ({ kind: 'document-type', tipo, pratica }));

export interface SeparatorPrintDeps {
  paper: PaperStore;
  union: UnionSettings;
}

export class SeparatorPrintService {
  constructor(private readonly deps: SeparatorPrintDeps) {}

  /**
   * The payloads of a print request, in request order, each sheet repeated `copies` times. A record of a Comune the
   * user does not act on is not found (404); an invalid sheet fails the request with its position (400).
   */
  async plan(request: SeparatorPrintRequest, scope: TenantScope): Promise<SeparatorPlan> {
    const out: SeparatorPlan = { payloads: [], comuni: [], practiceKeys: [] };
    for (const [i, sheet] of request.sheets.entries()) {
      const where = `foglio ${i + 1}`;
      const sheets = await this.sheetsOf(sheet, request.documentTypes, scope, where, out);
      const n = sheet.copies ?? request.copies;
      for (const s of sheets) for (let c = 0; c < n; c++) out.payloads.push(s);
      if (out.payloads.length > MAX_SEPARATOR_PAGES) {
        throw new SeparatorPrintError(
          `Troppi fogli: al massimo ${MAX_SEPARATOR_PAGES} per stampa, copie comprese`,
          400,
          'TOO_MANY_SHEETS',
        );
      }
    }
    return out;
  }

  /** A practice sheet (+ the given type sheets) for every practice of the work list, in work-list order. */
  worklistPlan(
    items: readonly WorklistItem[],
    opts: { documentTypes?: readonly DocumentType[]; copies?: number } = {},
  ): WorklistSeparatorPlan {
    const out: WorklistSeparatorPlan = { payloads: [], comuni: [], practiceKeys: [], skipped: [] };
    const n = opts.copies ?? 1;
    for (const item of items) {
      const r = item.record;
      let sheet: PracticeSeparator;
      try {
        sheet = practiceSeparatorOf(r, this.deps.union);
      } catch (err) {
        if (!(err instanceof InvalidSeparatorError)) throw err;
        out.skipped.push({ practiceKey: r.practiceKey, comune: r.comune, reason: err.message });
        continue;
      }
      const sheets = [sheet, ...typeSheets(opts.documentTypes ?? [], r.practiceKey)];
      if (out.payloads.length + sheets.length * n > MAX_SEPARATOR_PAGES) {
        out.skipped.push({ practiceKey: r.practiceKey, comune: r.comune, reason: 'oltre il massimo di fogli' });
        continue;
      }
      for (const s of sheets) for (let c = 0; c < n; c++) out.payloads.push(s);
      note(out, r.comune, r.practiceKey);
    }
    return out;
  }

  private async sheetsOf(
    sheet: SeparatorSheetRequest,
    types: readonly DocumentType[],
    scope: TenantScope,
    where: string,
    out: SeparatorPlan,
  ): Promise<SeparatorPayload[]> {
    const { paper, union } = this.deps;
    switch (sheet.kind) {
      case 'practice': {
        const record = await paper.getInventory(sheet.inventoryId);
        if (!record || !actsOn(scope, record.comune)) {
          throw new SeparatorPrintError(`${where}: pratica non trovata nell\u2019inventario`, 404, 'NOT_FOUND');
        }
        const payload = validated(() => practiceSeparatorOf(record, union), where);
        note(out, record.comune, record.practiceKey);
        return [payload, ...typeSheets(types, record.practiceKey)];
      }
      case 'practice-key': {
        let code: string;
        try {
          code = comuneOf(union, sheet.comune).code;
        } catch (err) {
          if (!(err instanceof UnknownComuneError)) throw err;
          throw new SeparatorPrintError(
            `${where}: Comune ${sheet.comune} non fa parte dell\u2019unione`,
            400,
            'INVALID_REQUEST',
          );
        }
        if (!actsOn(scope, code)) {
          throw new SeparatorPrintError(
            `${where}: non puoi stampare separatori del Comune ${code}`,
            403,
            'COMUNE_NOT_IN_SCOPE',
          );
        }
        const key = practiceKeyOrFail(sheet.practiceKey, where);
        // A practice in the inventory lends its procedure and box location unless the request says otherwise.
        const record = await paper.getInventoryByKey(code, key);
        const base = record ? practiceSeparatorOf(record, union) : undefined;
        const payload: PracticeSeparator = { kind: 'practice', comune: comuneName(union, code), pratica: key };
        const proc = sheet.procedure ?? base?.proc;
        if (proc) payload.proc = proc;
        const box = sheet.box ?? base?.box;
        if (box) payload.box = box;
        validated(() => encodeSeparator(payload), where);
        note(out, code, key);
        return [payload, ...typeSheets(types, key)];
      }
      case 'document-type': {
        const payload: SeparatorPayload = { kind: 'document-type', tipo: sheet.documentType };
        if (sheet.practiceKey) payload.pratica = practiceKeyOrFail(sheet.practiceKey, where);
        return [payload];
      }
      case 'generic':
        return [sheet.note ? { kind: 'generic', nota: sheet.note } : { kind: 'generic' }];
    }
  }
}

function note(out: SeparatorPlan, comune: string, practiceKey: string): void {
  if (!out.comuni.includes(comune)) out.comuni.push(comune);
  out.practiceKeys.push(practiceKey);
}

function practiceKeyOrFail(raw: string, where: string): string {
  const key = parsePracticeKey(raw);
  if (!key) {
    throw new SeparatorPrintError(
      `${where}: numero di pratica "${raw}" non riconosciuto (atteso ad es. "PE 123/1987")`,
      400,
      'INVALID_REQUEST',
    );
  }
  return key;
}

function validated<T>(make: () => T, where: string): T {
  try {
    return make();
  } catch (err) {
    if (!(err instanceof InvalidSeparatorError)) throw err;
    throw new SeparatorPrintError(`${where}: separatore non stampabile (${err.message})`, 400, 'INVALID_SEPARATOR');
  }
}
