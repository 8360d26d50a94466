// Entity extraction from OCR text: practice references, protocol numbers, dates, addresses, cadastral references,
// codici fiscali, partite IVA and applicant names. Every match keeps its page, offset and raw text.
// One file per entity kind (entities.<kind>.ts); this one runs them all and picks each kind's best value.
//
// OCR tolerance: in numeric positions the look-alikes O/o → 0 and l/I/| → 1 are read as digits (a match must still
// be mostly real digits), spacing around punctuation is free, and "n.", "n°", "nr.", "num." are all accepted.
// Damage met on real OCR of sample scans (scripts/entity-eval.ts --ocr) is handled in the kind's own file.
import type { Address, Cadastral } from '../domain/ground-truth.ts';
import type { BestEntity, EntityMatch, ExtractedEntities, PracticeRefValue, ProtocolValue } from './classification.ts';
import { extractAddresses } from './entities.address.ts';
import { extractApplicants } from './entities.applicant.ts';
import { extractCadastral } from './entities.cadastral.ts';
import { extractDates } from './entities.dates.ts';
import { extractPracticeRefs } from './entities.practice.ts';
import { extractProtocols } from './entities.protocol.ts';
import { extractTaxCodes, extractVatNumbers } from './entities.tax-ids.ts';

export { normaliseStreet } from './entities.address.ts';
export { isValidDate, parseItalianDate } from './entities.dates.ts';
export { expandYear, ocrDigits } from './entities.ocr-digits.ts';
export { codiceFiscaleCheckChar, isValidCodiceFiscale, isValidPartitaIva } from './entities.tax-ids.ts';

// ── formatting (keys shared with the search index) ───────────────────────────────────────────────────────────

/** "PE 123/1987" */
export function formatPracticeRef(r: { prefix: string; number: number; year: number }): string {
  return `${r.prefix} ${r.number}/${r.year}`;
}
/** "1234/2020" (number/year), or the bare number when the year is unknown. */
export function formatProtocol(p: ProtocolValue): string {
  return p.year !== undefined ? `${p.number}/${p.year}` : String(p.number);
}
/** "Via Roma 12" */
export function formatAddress(a: Address): string {
  return `${a.street} ${a.civic}`;
}
/** "F12 M345 S6" */
export function formatCadastral(c: Cadastral): string {
  return `F${c.foglio} M${c.mappale}${c.subalterno !== undefined ? ` S${c.subalterno}` : ''}`;
}

// ── best pick and entry point ────────────────────────────────────────────────────────────────────────────────

/** A match with the weight of its evidence for the document's best pick (1 unless the extractor says otherwise). */
interface Weighted<V> {
  match: EntityMatch<V>;
  weight: number;
}

const plain = <V>(matches: EntityMatch<V>[]): Weighted<V>[] => matches.map((match) => ({ match, weight: 1 }));

/**
 * The value with the most weight of evidence (values grouped by `key`; with unit weights, the most frequent);
 * ties go to the more frequent, then the richer value, then the first occurrence. Within the chosen group the
 * richest occurrence (then the first) represents it.
 */
function pickBest<V>(
  candidates: Weighted<V>[],
  key: (v: V) => string,
  richness: (v: V) => number = () => 0,
): BestEntity<V> | undefined {
  const before = (a: EntityMatch<V>, b: EntityMatch<V>) =>
    a.page < b.page || (a.page === b.page && a.offset < b.offset);
  const groups = new Map<string, Weighted<V>[]>();
  for (const c of candidates) {
    const k = key(c.match.value);
    const group = groups.get(k);
    if (group) group.push(c);
    else groups.set(k, [c]);
  }
  type Cand = { rep: EntityMatch<V>; first: EntityMatch<V>; weight: number; count: number; rich: number };
  const better = (a: Cand, b: Cand) =>
    a.weight !== b.weight
      ? a.weight > b.weight
      : a.count !== b.count
        ? a.count > b.count
        : a.rich !== b.rich
          ? a.rich > b.rich
          : before(a.first, b.first);
  let best: Cand | undefined;
  for (const group of groups.values()) {
    const matches = group.map((c) => c.match);
    const first = matches.reduce((a, b) => (before(b, a) ? b : a));
    const rep = matches.reduce((a, b) => (richness(b.value) > richness(a.value) ? b : a));
    const weight = group.reduce((s, c) => s + c.weight, 0);
    const cand = { rep, first, weight, count: group.length, rich: richness(rep.value) };
    if (!best || better(cand, best)) best = cand;
  }
  return best && { ...best.rep, occurrences: best.count };
}

/**
 * The document's practice: the most cited number/year. A title ("Permesso di costruire n. 12/2005") names the
 * procedure, but when the document also gives the archive reference ("Pratica edilizia n. 12/2005") that prefix
 * is the practice's key, as on the practice's other papers.
 */
export function bestPractice(refs: EntityMatch<PracticeRefValue>[]): BestEntity<PracticeRefValue> | undefined {
  const key = (v: PracticeRefValue) => `${v.number}/${v.year}`;
  const best = pickBest(plain(refs), key, (v) => (v.procedureType ? 1 : 0) + (v.prefix !== 'PE' ? 1 : 0));
  if (!best || best.value.prefix === 'PE') return best;
  const archive = refs.find((r) => r.value.prefix === 'PE' && key(r.value) === key(best.value));
  return archive ? { ...best, value: { ...best.value, prefix: 'PE' } } : best;
}

/** Extract every entity from the OCR text of a document's pages (index 0 = page 1). */
export function extractEntities(pages: string[]): ExtractedEntities {
  const practiceRefs: EntityMatch<PracticeRefValue>[] = [];
  const protocols: Weighted<ProtocolValue>[] = [];
  const dates: EntityMatch<string>[] = [];
  const addresses: EntityMatch<Address>[] = [];
  const cadastral: EntityMatch<Cadastral>[] = [];
  const taxCodes: EntityMatch<string>[] = [];
  const vatNumbers: EntityMatch<string>[] = [];
  const applicants: Weighted<string>[] = [];

  pages.forEach((text, i) => {
    const page = i + 1;
    practiceRefs.push(...extractPracticeRefs(text, page));
    protocols.push(...extractProtocols(text, page));
    dates.push(...extractDates(text, page));
    addresses.push(...extractAddresses(text, page));
    cadastral.push(...extractCadastral(text, page));
    taxCodes.push(...extractTaxCodes(text, page));
    vatNumbers.push(...extractVatNumbers(text, page));
    applicants.push(...extractApplicants(text, page));
  });

  return {
    practiceRefs,
    protocols: protocols.map((c) => c.match),
    dates,
    addresses,
    cadastral,
    taxCodes,
    vatNumbers,
    applicants: applicants.map((c) => c.match),
    best: {
      practiceRef: bestPractice(practiceRefs),
      protocol: pickBest(
        protocols,
        (v) => String(v.number),
        (v) => (v.date ? 2 : 0) + (v.year ? 1 : 0),
      ),
      date: pickBest(plain(dates), (v) => v),
      address: pickBest(plain(addresses), (v) => `${v.street.toLowerCase()}|${v.civic.toLowerCase()}`),
      cadastral: pickBest(
        plain(cadastral),
        (v) => `${v.foglio}/${v.mappale}`,
        (v) => (v.subalterno !== undefined ? 1 : 0),
      ),
      taxCode: pickBest(plain(taxCodes), (v) => v),
      vatNumber: pickBest(plain(vatNumbers), (v) => v),
      applicant: pickBest(applicants, (v) => v.toLowerCase()),
    },
  };
}
