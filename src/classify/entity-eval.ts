// Scoring of entity extraction against sample ground truth: per entity kind, true/false positives and misses over
// documents, then precision and recall. Used by scripts/entity-eval.ts on clean, synthetic-noise or OCR'd text.
//
// What is scored, per document (the unit the pipeline stores, see classify.job.ts toDocumentMetadata):
//   - practice, protocol, address, cadastral, applicant: the ONE value the pipeline keeps (the extractor's best pick)
//     against the generator's fact. The generator records a fact only when it is printed (factsOnPaper); the
//     protocol, which it does not check, counts only when its number is printed. A wrong pick is a false positive
//     AND a miss. `seen` counts facts found among all mentions, to tell a bad pick from a failed extraction.
//   - dates: every distinct date, against every date printed (the generator's `dates`, all of them by construction).
//   - taxCode, vatNumber: every distinct code, against the valid codes printed in the clean page text (the generator
//     records none; a code with a wrong check character is not a code and is not expected).
// Values are compared normalised: case, accents, spacing and dots in names are ignored; numbers compare as numbers.
import { fmt, textTable } from '../cli/table.ts';
import type { GroundTruth } from '../domain/ground-truth.ts';
import type { ExtractedEntities } from './classification.ts';
import { formatCadastral, isValidCodiceFiscale, isValidPartitaIva } from './entities.ts';

export const ENTITY_KINDS = [
  'practice',
  'protocol',
  'date',
  'address',
  'cadastral',
  'applicant',
  'taxCode',
  'vatNumber',
] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** Kinds scored by the single value kept per document (the others: every distinct value). */
export const SINGLE_VALUE_KINDS: ReadonlySet<EntityKind> = new Set([
  'practice',
  'protocol',
  'address',
  'cadastral',
  'applicant',
]);

/** Normalised values of each kind in one document. */
export type EntityValues = Record<EntityKind, string[]>;

export interface KindScore {
  tp: number;
  fp: number;
  fn: number;
  /** Expected values found among all mentions (single-value kinds; equals tp for the others). */
  seen: number;
}

export interface KindResult extends KindScore {
  missed: string[];
  spurious: string[];
}

export interface DocumentScore {
  id: string;
  pages: number;
  kinds: Record<EntityKind, KindResult>;
}

// ── normalisation ────────────────────────────────────────────────────────────────────────────────────────────

/** Lower case, accents and dots dropped, typographic apostrophes folded, "a'" read as "à", spaces collapsed. */
export function foldName(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[’‘`´]/g, "'")
    .toLowerCase()
    .replace(/([aeiou])'(?=\s|$)/g, '$1')
    .replace(/\./g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export const key = {
  practice: (p: { prefix: string; number: number; year: number }) => `${p.prefix.toUpperCase()} ${p.number}/${p.year}`,
  protocol: (p: { number: number; date?: string }) => `${p.number} del ${p.date ?? '?'}`,
  address: (a: { street: string; civic: string }) =>
    `${foldName(a.street)} ${a.civic.replace(/\s+/g, '').toUpperCase()}`,
  cadastral: formatCadastral,
  applicant: foldName,
};

const distinct = (values: string[]): string[] => [...new Set(values)];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Codici fiscali printed in clean text: the strict shape and a valid check character. */
export function printedTaxCodes(text: string): string[] {
  const found = text.match(
    /(?<![A-Z0-9])[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z](?![A-Z0-9])/g,
  );
  return distinct((found ?? []).filter(isValidCodiceFiscale));
}

/** Partite IVA printed in clean text: 11 digits after a "P. IVA" / "partita IVA" label, with a valid check digit. */
export function printedVatNumbers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:p\.\s?iva|partita\s+iva)\s*(?:n\.\s*)?:?\s*(?:IT\s?)?(\d{11})(?!\d)/giu)) {
    if (isValidPartitaIva(m[1]!)) out.push(m[1]!);
  }
  return distinct(out);
}

// ── values on each side ──────────────────────────────────────────────────────────────────────────────────────

/** What the ground truth says is printed on the document, normalised. */
export function truthValues(gt: GroundTruth): EntityValues {
  const text = gt.pages.map((p) => p.text).join('\n');
  const protocolPrinted =
    gt.protocol && new RegExp(`(?<!\\d)${escapeRegExp(String(gt.protocol.number))}(?!\\d)`).test(text);
  return {
    practice: gt.practice ? [key.practice(gt.practice)] : [],
    protocol: gt.protocol && protocolPrinted ? [key.protocol(gt.protocol)] : [],
    date: distinct(gt.dates),
    address: gt.address ? [key.address(gt.address)] : [],
    cadastral: gt.cadastral ? [key.cadastral(gt.cadastral)] : [],
    applicant: gt.applicant ? [key.applicant(gt.applicant)] : [],
    taxCode: printedTaxCodes(text),
    vatNumber: printedVatNumbers(text),
  };
}

/** The values the pipeline keeps for a document: the best pick of single-value kinds, every distinct other value. */
export function documentValues(e: ExtractedEntities): EntityValues {
  const b = e.best;
  return {
    practice: b.practiceRef ? [key.practice(b.practiceRef.value)] : [],
    protocol: b.protocol ? [key.protocol(b.protocol.value)] : [],
    date: distinct(e.dates.map((m) => m.value)),
    address: b.address ? [key.address(b.address.value)] : [],
    cadastral: b.cadastral ? [key.cadastral(b.cadastral.value)] : [],
    applicant: b.applicant ? [key.applicant(b.applicant.value)] : [],
    taxCode: distinct(e.taxCodes.map((m) => m.value)),
    vatNumber: distinct(e.vatNumbers.map((m) => m.value)),
  };
}

/** Every distinct value mentioned, of every kind. */
export function mentionValues(e: ExtractedEntities): EntityValues {
  return {
    practice: distinct(e.practiceRefs.map((m) => key.practice(m.value))),
    protocol: distinct(e.protocols.map((m) => key.protocol(m.value))),
    date: distinct(e.dates.map((m) => m.value)),
    address: distinct(e.addresses.map((m) => key.address(m.value))),
    cadastral: distinct(e.cadastral.map((m) => key.cadastral(m.value))),
    applicant: distinct(e.applicants.map((m) => key.applicant(m.value))),
    taxCode: distinct(e.taxCodes.map((m) => m.value)),
    vatNumber: distinct(e.vatNumbers.map((m) => m.value)),
  };
}

// ── scoring ──────────────────────────────────────────────────────────────────────────────────────────────────

export function scoreDocument(
  doc: { id: string; pages: number },
  truth: EntityValues,
  found: EntityValues,
  mentions: EntityValues = found,
): DocumentScore {
  const kinds = {} as Record<EntityKind, KindResult>;
  for (const kind of ENTITY_KINDS) {
    const expected = new Set(truth[kind]);
    const got = new Set(found[kind]);
    const all = new Set(mentions[kind]);
    const missed = [...expected].filter((v) => !got.has(v));
    const spurious = [...got].filter((v) => !expected.has(v));
    kinds[kind] = {
      tp: expected.size - missed.length,
      fp: spurious.length,
      fn: missed.length,
      seen: [...expected].filter((v) => all.has(v) || got.has(v)).length,
      missed,
      spurious,
    };
  }
  return { id: doc.id, pages: doc.pages, kinds };
}

export function sumScores(docs: DocumentScore[]): Record<EntityKind, KindScore> {
  const out = {} as Record<EntityKind, KindScore>;
  for (const kind of ENTITY_KINDS) {
    out[kind] = { tp: 0, fp: 0, fn: 0, seen: 0 };
    for (const d of docs) {
      const k = d.kinds[kind];
      out[kind].tp += k.tp;
      out[kind].fp += k.fp;
      out[kind].fn += k.fn;
      out[kind].seen += k.seen;
    }
  }
  return out;
}

/** Precision, recall and F1; undefined when there is nothing to divide by. */
export function rates(s: KindScore): { precision?: number; recall?: number; f1?: number } {
  const precision = s.tp + s.fp > 0 ? s.tp / (s.tp + s.fp) : undefined;
  const recall = s.tp + s.fn > 0 ? s.tp / (s.tp + s.fn) : undefined;
  const f1 =
    precision !== undefined && recall !== undefined && precision + recall > 0
      ? (2 * precision * recall) / (precision + recall)
      : undefined;
  return { precision, recall, f1 };
}

export interface KindVerdict {
  kind: EntityKind;
  /** 'pass', 'fail' (precision or recall below the threshold) or 'unmeasured' (nothing expected, nothing found). */
  status: 'pass' | 'fail' | 'unmeasured';
  reason?: string;
}

export function verdicts(totals: Record<EntityKind, KindScore>, threshold: number): KindVerdict[] {
  return ENTITY_KINDS.map((kind) => {
    const s = totals[kind];
    const { precision, recall } = rates(s);
    if (precision === undefined && recall === undefined) {
      return { kind, status: 'unmeasured', reason: 'nessun valore atteso né trovato' };
    }
    const low: string[] = [];
    if (precision !== undefined && precision < threshold) low.push(`precisione ${fmt(precision, 3)}`);
    if (recall !== undefined && recall < threshold) low.push(`richiamo ${fmt(recall, 3)}`);
    return low.length ? { kind, status: 'fail', reason: `${low.join(', ')} < ${threshold}` } : { kind, status: 'pass' };
  });
}

/** The per-kind table: counts, precision, recall, F1 and (single-value kinds) how many facts were seen at all. */
export function entityTable(totals: Record<EntityKind, KindScore>, threshold: number): string {
  const v = new Map(verdicts(totals, threshold).map((x) => [x.kind, x]));
  const rows = ENTITY_KINDS.map((kind) => {
    const s = totals[kind];
    const r = rates(s);
    const status = v.get(kind)!.status;
    return [
      kind,
      s.tp + s.fn,
      s.tp,
      s.fp,
      s.fn,
      fmt(r.precision, 3),
      fmt(r.recall, 3),
      fmt(r.f1, 3),
      SINGLE_VALUE_KINDS.has(kind) ? s.seen : '',
      status === 'pass' ? 'ok' : status === 'fail' ? 'SOTTO SOGLIA' : 'n/d',
    ];
  });
  return textTable(['kind', 'expected', 'TP', 'FP', 'FN', 'precision', 'recall', 'F1', 'seen', ''], rows);
}
