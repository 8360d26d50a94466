// The descriptive metadata of a document as the rest of the pipeline sees it (archive manifest, search index, API),
// whatever classifier produced it.

export interface DocumentMetadata {
  documentType: string; // code from vocabulary.ts
  documentTypeLabel: string;
  confidence: number; // 0..1, of the document type
  procedureType?: string;
  practice?: { prefix: string; number: number; year: number; key: string }; // key "PE 123/1987"
  protocol?: { number: number; date?: string }; // date ISO
  dates: string[]; // ISO
  address?: { street: string; civic: string };
  cadastral?: { foglio: number; mappale: number; subalterno?: number };
  titolarioClass?: string; // "VI.3"
  titolarioLabel?: string;
  office?: string; // office id
  officeName?: string;
  applicant?: string;
  personalData: boolean; // tax codes / VAT numbers found in the text
  reasons: string[]; // why: matched rules and keywords
  classifier: string; // name and version of what decided
  routing?: {
    mode: 'auto' | 'review';
    confidence: number;
    threshold: number;
    decidedBy: string;
    reasons: string[];
  };
}

export function practiceKey(p: { prefix: string; number: number; year: number }): string {
  return `${p.prefix} ${p.number}/${p.year}`;
}

/** A short human title: "Relazione tecnica — PE 123/1987". */
export function documentTitle(m: DocumentMetadata, filename: string): string {
  const ref = m.practice?.key ?? (m.protocol ? `prot. ${m.protocol.number}${m.protocol.date ? '/' + m.protocol.date.slice(0, 4) : ''}` : undefined);
  return ref ? `${m.documentTypeLabel} — ${ref}` : `${m.documentTypeLabel} — ${filename}`;
}

/** The year a document belongs to for searching: practice year, else protocol year, else its first date. */
export function documentYear(m: DocumentMetadata): number | undefined {
  if (m.practice) return m.practice.year;
  if (m.protocol?.date) return Number(m.protocol.date.slice(0, 4));
  return m.dates[0] ? Number(m.dates[0].slice(0, 4)) : undefined;
}
