// Pure translation between the SearchIndex port and Meilisearch: page entries → Meilisearch documents, filters →
// filter expressions (values quoted and escaped), the user query → Meilisearch's query syntax, offset/limit → a page
// window with exact counts, and search responses → hits, snippets, facets and groups. No I/O here: the adapter
// (meili.search-index.ts) sends what these functions build, and the unit tests check them on recorded shapes.
import { createHash } from 'node:crypto';
import { addressKey } from './address-key.ts';
import { DEFAULT_COMUNE_CODE } from '../tenancy/comuni.ts';
import type { FacetCounts, PageEntry, SearchFilters, SearchGroup, SearchHit } from './search-index.ts';
import { comuneCodes, groupKey, pageComune } from './search-query.ts';
import { escapeHtml } from './snippet.ts';

/** Facets returned by every search, as the port names them (Meilisearch attributes of the same name). */
export const FACET_NAMES = ['year', 'procedureType', 'documentType', 'titolarioClass', 'comune'] as const;

/** Highlight tags asked of Meilisearch: private-use characters (stripped from indexed text), so that the snippet can
 *  be HTML-escaped first and the tags turned into <mark> afterwards. Meilisearch does not escape `_formatted`. */
export const HIGHLIGHT_PRE = '\uE000';
export const HIGHLIGHT_POST = '\uE001';
const SENTINELS_RE = /[\uE000\uE001]/g;

/** One Meilisearch document: a page of a document with the document's metadata. */
export interface MeiliPageDoc {
  id: string;
  documentId: string;
  page: number;
  title: string;
  subject?: string;
  text: string;
  /** Address, cadastral reference, protocol, practice and file name as searchable text (like the embedded `meta`). */
  meta: string;
  filename: string;
  year?: number;
  practice?: string;
  /** Grouping key: the practice within its Comune, or the document when it has none (search-query.ts groupKey). */
  groupKey: string;
  /** The document's Comune. Pages written before the union have none: they read as DEFAULT_COMUNE_CODE. */
  comune: string;
  /** Restricted to the Comune's staff (absent on pages written before the union: shared). */
  restricted: boolean;
  procedureType?: string;
  documentType?: string;
  titolarioClass?: string;
  protocol?: string;
  address?: string;
  cadastral?: string;
  /** Word-boundary prefixes of the folded address ("via", "via roma", "via roma 12"): the address filter. */
  addressPrefixes?: string[];
  foglio?: number;
  mappale?: number;
  subalterno?: number;
  /** Write revision: an upsert replaces the pages it sends, then deletes the document's pages of older revisions. */
  rev: number;
  /** True on one page per document: counts documents for stats(). */
  docHead: boolean;
}

const ID_SAFE_RE = /^[A-Za-z0-9-]+$/;

/**
 * Meilisearch document id of a page: `<docId>-p<n>`. Ids may only hold letters, digits, - and _ (at most 511 bytes):
 * other characters of the document id are written as `_` + UTF-8 hex (and `_` itself as `_5f`), so distinct
 * document ids never share page ids; an id that would still be too long becomes `h_` + its SHA-256.
 */
export function meiliPageId(documentId: string, page: number): string {
  let enc = ID_SAFE_RE.test(documentId)
    ? documentId
    : [...documentId]
        .map((c) =>
          /[A-Za-z0-9-]/.test(c)
            ? c
            : [...Buffer.from(c, 'utf8')].map((b) => `_${b.toString(16).padStart(2, '0')}`).join(''),
        )
        .join('');
  if (enc.length > 480) enc = `h_${createHash('sha256').update(documentId).digest('hex')}`;
  return `${enc}-p${page}`;
}

/** "F12 M345 S6" → its numbers (the format index.job.ts writes). */
export function parseCadastral(cadastral: string | undefined): {
  foglio?: number;
  mappale?: number;
  subalterno?: number;
} {
  const m = /^\s*F(\d+)(?:\s+M(\d+))?(?:\s+S(\d+))?\s*$/i.exec(cadastral ?? '');
  if (!m) return {};
  const out: { foglio?: number; mappale?: number; subalterno?: number } = { foglio: Number(m[1]) };
  if (m[2] !== undefined) out.mappale = Number(m[2]);
  if (m[3] !== undefined) out.subalterno = Number(m[3]);
  return out;
}

/** Every word-boundary prefix of the address key: what the embedded engine's address filter matches. */
export function addressPrefixes(address: string | undefined): string[] | undefined {
  if (address === undefined || address === '') return undefined;
  const words = addressKey(address)
    .split(' ')
    .filter((w) => w !== '');
  if (words.length === 0) return undefined;
  return words.map((_, i) => words.slice(0, i + 1).join(' '));
}

const clean = (s: string | undefined): string => (s ?? '').replace(SENTINELS_RE, '');
const opt = (s: string | undefined): string | undefined => (s === undefined || s === '' ? undefined : clean(s));

export function toMeiliDocuments(documentId: string, pages: PageEntry[], rev: number): MeiliPageDoc[] {
  const head = Math.min(...pages.map((p) => p.page));
  return pages.map((p) => {
    const file = (p.filename ?? '').replace(/\.[A-Za-z0-9]{1,5}$/, '');
    const doc: MeiliPageDoc = {
      id: meiliPageId(documentId, p.page),
      documentId,
      page: p.page,
      title: clean(p.title),
      text: clean(p.text),
      meta: [p.address, p.cadastral, p.protocol, p.practice, file]
        .filter((s) => s !== undefined && s !== '')
        .join(' \n '),
      filename: clean(p.filename),
      groupKey: groupKey(p.practice, documentId, pageComune(p)),
      comune: pageComune(p),
      restricted: p.restricted === true,
      rev,
      docHead: p.page === head,
    };
    const strings = {
      subject: p.subject,
      practice: p.practice,
      procedureType: p.procedureType,
      documentType: p.documentType,
      titolarioClass: p.titolarioClass,
      protocol: p.protocol,
      address: p.address,
      cadastral: p.cadastral,
    };
    for (const [k, v] of Object.entries(strings)) {
      const o = opt(v);
      if (o !== undefined) (doc as unknown as Record<string, unknown>)[k] = o;
    }
    if (p.year !== undefined && Number.isFinite(p.year)) doc.year = Math.trunc(p.year);
    const prefixes = addressPrefixes(p.address);
    if (prefixes) doc.addressPrefixes = prefixes;
    Object.assign(doc, parseCadastral(p.cadastral));
    return doc;
  });
}

// ------------------------------------------------------------------------------------------------ filters

/** A string value in a Meilisearch filter: double-quoted, `\` and `"` escaped, control characters dropped. */
export function quoteFilterValue(v: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${v
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')}"`;
}

const posInt = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;

/** The port's filters as one Meilisearch filter expression (clauses AND-ed), or undefined when there are none. */
export function filterExpression(f: SearchFilters, extra: string[] = []): string | undefined {
  const out: string[] = [];
  if (typeof f.yearFrom === 'number' && Number.isFinite(f.yearFrom)) out.push(`year >= ${Math.trunc(f.yearFrom)}`);
  if (typeof f.yearTo === 'number' && Number.isFinite(f.yearTo)) out.push(`year <= ${Math.trunc(f.yearTo)}`);
  for (const key of ['practice', 'procedureType', 'documentType', 'titolarioClass', 'protocol'] as const) {
    const v = f[key];
    if (v === undefined || v === null) continue;
    out.push(`${key} = ${quoteFilterValue(String(v))}`);
  }
  if (typeof f.address === 'string' && addressKey(f.address) !== '') {
    out.push(`addressPrefixes = ${quoteFilterValue(addressKey(f.address))}`);
  }
  const foglio = posInt(f.foglio);
  const mappale = posInt(f.mappale);
  const sub = posInt(f.subalterno);
  if (foglio !== undefined) out.push(`foglio = ${foglio}`);
  if (mappale !== undefined) {
    out.push(`mappale = ${mappale}`);
    // A unit matches its own pages and those of the whole parcel (no subalterno recorded).
    if (sub !== undefined) out.push(`(subalterno = ${sub} OR subalterno NOT EXISTS)`);
  }
  const comuni = comuneCodes(f.comuni);
  if (comuni !== null) out.push(`comune IN [${comuni.map(quoteFilterValue).join(', ')}]`);
  out.push(...extra);
  return out.length > 0 ? out.join(' AND ') : undefined;
}

/**
 * The tenant scope as a filter clause (search-query.ts fullComuni: the Comuni whose restricted pages it sees, null =
 * all), or undefined when it hides nothing. `!=` also keeps pages without the attribute (written before the union).
 */
export function scopeExpression(fullComuni: readonly string[] | null): string | undefined {
  if (fullComuni === null) return undefined;
  if (fullComuni.length === 0) return 'restricted != true';
  return `(restricted != true OR comune IN [${fullComuni.map(quoteFilterValue).join(', ')}])`;
}

// ------------------------------------------------------------------------------------------------ query

const QUOTE_CHARS = new Set(['"', '“', '”', '„', '«', '»']);
const WS_RE = /\s/u;

/**
 * The user's query in Meilisearch's syntax, following query-parser.ts's lexing: phrases stay quoted (any quote
 * character becomes `"`, an unbalanced one is closed), `-word`, `-"phrase"` and `NOT word` become Meilisearch
 * negative keywords, a trailing `*` is dropped (Meilisearch prefix-matches the last word by itself), AND is dropped.
 * Meilisearch has no OR: `a OR b` becomes `a b` and `anyWord` asks the caller to relax matching (matchingStrategy
 * 'last') instead of requiring every word.
 */
export function meiliQueryString(input: string): { q: string; anyWord: boolean } {
  const q = (input ?? '').slice(0, 1000);
  const parts: string[] = [];
  let anyWord = false;
  let pendingNot = false;
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (WS_RE.test(c)) {
      i++;
      continue;
    }
    const negQuote = c === '-' && i + 1 < q.length && QUOTE_CHARS.has(q[i + 1]!);
    if (QUOTE_CHARS.has(c) || negQuote) {
      const open = negQuote ? i + 1 : i;
      let close = open + 1;
      while (close < q.length && !QUOTE_CHARS.has(q[close]!)) close++;
      const inner = q
        .slice(open + 1, close)
        .replace(/\s+/g, ' ')
        .trim();
      i = close + 1;
      if (inner !== '') parts.push(`${negQuote || pendingNot ? '-' : ''}"${inner}"`);
      pendingNot = false;
      continue;
    }
    let j = i;
    while (j < q.length && !WS_RE.test(q[j]!) && !QUOTE_CHARS.has(q[j]!)) j++;
    let chunk = q.slice(i, j);
    i = j;
    if (chunk === 'OR' || chunk === '|') {
      anyWord = true;
      continue;
    }
    if (chunk === 'AND' || chunk === '&&') continue;
    if (chunk === 'NOT') {
      pendingNot = true;
      continue;
    }
    let negated = pendingNot;
    pendingNot = false;
    if (chunk.startsWith('-')) {
      negated = true;
      chunk = chunk.replace(/^-+/, '');
    }
    chunk = chunk.replace(/\*+$/, '');
    if (chunk === '') continue;
    parts.push(negated ? `-${chunk}` : chunk);
  }
  return { q: parts.join(' '), anyWord };
}

// ------------------------------------------------------------------------------------------------ paging

/**
 * Meilisearch counts matches exactly (`totalHits`, up to maxTotalHits) only in page mode (page / hitsPerPage), and a
 * page starts at a multiple of its size. The window is the smallest page size ≥ limit whose page holds
 * [offset, offset + limit); `skip` hits are dropped from its start. Aligned offsets (the UI's paging) cost nothing extra.
 */
export function pageWindow(offset: number, limit: number): { page: number; hitsPerPage: number; skip: number } {
  if (limit <= 0) return { page: 1, hitsPerPage: 0, skip: 0 };
  for (let size = limit; ; size++) {
    const first = Math.floor(offset / size);
    if (first === Math.floor((offset + limit - 1) / size))
      return { page: first + 1, hitsPerPage: size, skip: offset - first * size };
  }
}

// ------------------------------------------------------------------------------------------------ responses

/** One hit as Meilisearch returns it (attributes we stored, plus `_formatted` and `_rankingScore`). */
export interface MeiliHit {
  documentId: string;
  page: number;
  title: string;
  filename: string;
  practice?: string;
  year?: number;
  documentType?: string;
  procedureType?: string;
  address?: string;
  comune?: string;
  groupKey?: string;
  text?: string;
  _formatted?: { text?: string };
  _rankingScore?: number;
}

/** Page-mode search response (the fields we read). */
export interface MeiliSearchResponse {
  hits: MeiliHit[];
  totalHits?: number;
  estimatedTotalHits?: number;
  facetDistribution?: Record<string, Record<string, number>>;
  processingTimeMs?: number;
}

/** `_formatted.text` (cropped, highlight sentinels) → our snippet: HTML-escaped, matches in <mark>, spaces collapsed. */
export function snippetFromFormatted(formatted: string): string {
  return escapeHtml(formatted.replace(/\s+/g, ' ').trim())
    .replace(/\uE000/g, '<mark>')
    .replace(/\uE001/g, '</mark>')
    .replace(/<mark><\/mark>/g, '');
}

export function toSearchHit(h: MeiliHit): SearchHit {
  const hit: SearchHit = {
    documentId: h.documentId,
    page: h.page,
    title: h.title,
    filename: h.filename,
    comune: h.comune ?? DEFAULT_COMUNE_CODE,
    snippet: snippetFromFormatted(h._formatted?.text ?? h.text ?? ''),
    score: typeof h._rankingScore === 'number' ? h._rankingScore : 0,
  };
  if (h.practice !== undefined) hit.practice = h.practice;
  if (h.year !== undefined) hit.year = h.year;
  if (h.documentType !== undefined) hit.documentType = h.documentType;
  if (h.procedureType !== undefined) hit.procedureType = h.procedureType;
  if (h.address !== undefined) hit.address = h.address;
  return hit;
}

/** facetDistribution → the port's facets: every facet present, values most frequent first, at most `max`. */
export function toFacetCounts(dist: Record<string, Record<string, number>> | undefined, max: number): FacetCounts {
  const out: FacetCounts = {};
  for (const name of FACET_NAMES) {
    const list = Object.entries(dist?.[name] ?? {}).sort(
      (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
    );
    out[name] = Object.fromEntries(list.slice(0, max));
  }
  return out;
}

/** A group from the distinct query's best hit and the group's own search (its best pages and exact page count). */
export function toSearchGroup(best: MeiliHit, members: MeiliSearchResponse): SearchGroup {
  const hits = members.hits.map(toSearchHit);
  const total = members.totalHits ?? members.estimatedTotalHits ?? hits.length;
  const practice = best.practice !== undefined && best.practice !== '' ? best.practice : null;
  const comune = best.comune ?? DEFAULT_COMUNE_CODE;
  return practice !== null
    ? { practice, comune, hits, total }
    : { practice: null, comune, documentId: best.documentId, hits, total };
}

/** Meilisearch `sort`: by year when asked; without text, document/page order like the embedded engine. */
export function meiliSort(sort: 'relevance' | 'year_desc' | 'year_asc', placeholder: boolean): string[] | undefined {
  const byDoc = placeholder ? ['documentId:asc', 'page:asc'] : [];
  if (sort === 'relevance') return placeholder ? byDoc : undefined;
  return [sort === 'year_desc' ? 'year:desc' : 'year:asc', ...byDoc];
}
