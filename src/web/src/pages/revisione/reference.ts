// Offices and titolario classes for the correction form (GET /api/reference), as code → name lookups.
import type { ReferenceData } from '../../types.ts';

export interface Option {
  code: string;
  label: string;
}

export interface ReferenceOptions {
  offices: Option[];
  classes: Option[];
  officeName: (code: string) => string;
  classTitle: (code: string) => string | undefined;
}

export function referenceOptions(ref: ReferenceData | undefined): ReferenceOptions {
  const offices = (ref?.offices ?? []).map((o) => ({ code: o.code, label: o.name || o.code }));
  const classes = (ref?.titolario ?? []).map((t) => ({
    code: t.code,
    label: t.title ? `${t.code} — ${t.title}` : t.code,
  }));
  const officeNames = new Map((ref?.offices ?? []).map((o) => [o.code, o.name]));
  const classTitles = new Map((ref?.titolario ?? []).map((t) => [t.code, t.title]));
  return {
    offices,
    classes,
    officeName: (code) => officeNames.get(code) || code,
    classTitle: (code) => classTitles.get(code) || undefined,
  };
}

/** The options with `code` included even when the reference data does not list it (so the form keeps it). */
export function withCurrent(options: Option[], code: string): Option[] {
  return !code || options.some((o) => o.code === code) ? options : [{ code, label: code }, ...options];
}
