// Relevance set: ~200 generated documents (ground-truth text, no OCR) in a temporary SQLite index, ~80 queries built
// from the generator's ground truth (practice numbers, protocols, cadastral references, addresses, typos,
// inflections, phrases, filters). The relevant documents of a text query are computed independently from the ground
// truth: a document is relevant when one of its pages holds every intended term (phrase terms consecutively), using
// the INTENDED word, not the typo or inflection typed. Recall@10 is over the first ten distinct documents.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatAddress, formatCadastral, formatPracticeRef } from '../../src/classify/entities.ts';
import type { GroundTruth } from '../../src/domain/ground-truth.ts';
import { foldAccents, terms, termOf } from '../../src/index/italian-text.ts';
import { understandQuery } from '../../src/index/query-understanding.ts';
import type { PageEntry, SearchFilters } from '../../src/index/search-index.ts';
import { addressKey, createSqliteSearchIndex, type SqliteSearchIndex } from '../../src/index/sqlite.search-index.ts';
import { composeDocument, planCorpus } from '../../src/samples/generate.ts';

interface RelQuery {
  kind: string;
  q: string;
  filters?: SearchFilters;
  relevant: Set<string>;
  /** Every hit must be relevant (reference queries). */
  exact?: boolean;
  /** The document the query was built from (for the target MRR). */
  target: string;
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const protocolKey = (gt: GroundTruth): string | undefined =>
  gt.protocol ? `${gt.protocol.number}/${gt.protocol.date.slice(0, 4)}` : undefined;

function entriesOf(gt: GroundTruth): PageEntry[] {
  const practice = gt.practice ? formatPracticeRef(gt.practice) : undefined;
  const year = gt.practice?.year ?? (gt.protocol ? Number(gt.protocol.date.slice(0, 4)) : undefined);
  return gt.pages.map((p, i) => ({
    documentId: gt.id,
    page: i + 1,
    text: p.text,
    title: `${gt.documentType.replace(/_/g, ' ')} — ${practice ?? gt.id}`,
    filename: gt.file,
    year,
    practice,
    procedureType: gt.procedureType,
    documentType: gt.documentType,
    titolarioClass: gt.titolarioClass,
    protocol: protocolKey(gt),
    address: gt.address ? formatAddress(gt.address) : undefined,
    cadastral: gt.cadastral ? formatCadastral(gt.cadastral) : undefined,
    comune: 'C000',
  }));
}

describe('relevance set (generated corpus, ground-truth text)', () => {
  let dir: string;
  let index: SqliteSearchIndex;
  let docs: GroundTruth[];
  const queries: RelQuery[] = [];
  /** Per document, per page: the term stream of title + text + meta as indexed. */
  const streams = new Map<string, string[][]>();
  const allTerms = new Set<string>();

  const relevantFor = (want: { terms?: string[]; phrase?: string[] }, filter: (gt: GroundTruth) => boolean = () => true): Set<string> => {
    const out = new Set<string>();
    for (const gt of docs) {
      if (!filter(gt)) continue;
      const ok = streams.get(gt.id)!.some((s) => {
        if (want.terms && !want.terms.every((t) => s.includes(t))) return false;
        if (want.phrase) {
          const ph = want.phrase;
          let found = false;
          for (let i = 0; i + ph.length <= s.length && !found; i++) found = ph.every((t, k) => s[i + k] === t);
          if (!found) return false;
        }
        return true;
      });
      if (ok) out.add(gt.id);
    }
    return out;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'faldone-relevance-'));
    index = createSqliteSearchIndex({ path: path.join(dir, 'search.sqlite') });
    docs = planCorpus({ seed: 20260611, practiceDocs: 160, protocolLetters: 40 }).map((s) => composeDocument(s).groundTruth);
    for (const gt of docs) {
      const entries = entriesOf(gt);
      await index.upsertDocument(gt.id, entries);
      streams.set(
        gt.id,
        entries.map((e) => {
          // Pages are matched as title + body + meta; a phrase cannot span two of them.
          const meta = [e.address, e.cadastral, e.protocol, e.practice, e.filename.replace(/\.\w+$/, '')].filter(Boolean).join(' ');
          return [...terms(e.title), '\u0000', ...terms(e.text), '\u0000', ...terms(meta)];
        }),
      );
      for (const s of streams.get(gt.id)!) for (const t of s) allTerms.add(t);
    }

    const r = rng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const sample = <T>(xs: readonly T[], n: number): T[] => {
      const copy = [...xs];
      const out: T[] = [];
      while (out.length < n && copy.length > 0) out.push(copy.splice(Math.floor(r() * copy.length), 1)[0]!);
      return out;
    };
    const surnameOf = (gt: GroundTruth): string | undefined =>
      gt.applicant
        ?.split(/\s+/)
        .filter((w) => /^\p{L}{4,}$/u.test(w) && !/^(?:srl|spa|snc|sas)$/i.test(w))
        .pop();
    /** Words of the document (of its pages that mention `onPageWith`, when given). */
    const words = (gt: GroundTruth, re: RegExp, onPageWith?: string): string[] => {
      const pages = gt.pages.filter((p) => onPageWith === undefined || p.text.includes(onPageWith));
      const all = pages.flatMap((p) => p.text.match(/\p{L}+/gu) ?? []);
      return [...new Set(all.filter((w) => re.test(w) && termOf(foldAccents(w)) !== null))];
    };
    const pad = (n: number) => String(n).padStart(2, '0');

    // Practice numbers, in the spellings users type.
    const byPractice = new Map<string, GroundTruth[]>();
    for (const gt of docs) if (gt.practice) byPractice.set(formatPracticeRef(gt.practice), [...(byPractice.get(formatPracticeRef(gt.practice)) ?? []), gt]);
    for (const [key, group] of sample([...byPractice], 20)) {
      const p = group[0]!.practice!;
      const forms = [key, `${p.prefix} n. ${p.number}/${p.year}`];
      if (p.prefix === 'PE') forms.push(`pratica edilizia n. ${p.number}/${String(p.year).slice(2)}`);
      queries.push({ kind: 'practice', q: pick(forms), relevant: new Set(group.map((g) => g.id)), exact: true, target: group[0]!.id });
    }
    // Protocols.
    for (const gt of sample(docs.filter((d) => d.protocol), 8)) {
      const [y, m, d] = gt.protocol!.date.split('-');
      const q = r() < 0.5 ? `prot. ${gt.protocol!.number}/${y}` : `protocollo ${gt.protocol!.number} del ${d}/${m}/${y}`;
      queries.push({ kind: 'protocol', q, relevant: new Set(docs.filter((x) => protocolKey(x) === protocolKey(gt)).map((x) => x.id)), exact: true, target: gt.id });
    }
    // Addresses, typed in lower case.
    for (const gt of sample(docs.filter((d) => d.address), 8)) {
      const a = formatAddress(gt.address!);
      const rel = docs.filter((x) => x.address && addressKey(formatAddress(x.address)) === addressKey(a)).map((x) => x.id);
      queries.push({ kind: 'address', q: a.toLowerCase(), relevant: new Set(rel), exact: true, target: gt.id });
    }
    // Cadastral references.
    for (const gt of sample(docs.filter((d) => d.cadastral), 6)) {
      const c = gt.cadastral!;
      const q = c.subalterno !== undefined ? `fg ${c.foglio} mapp ${c.mappale} sub ${c.subalterno}` : `foglio ${c.foglio} particella ${c.mappale}`;
      const rel = docs.filter(
        (x) => x.cadastral && x.cadastral.foglio === c.foglio && x.cadastral.mappale === c.mappale &&
          (c.subalterno === undefined || x.cadastral.subalterno === undefined || x.cadastral.subalterno === c.subalterno),
      );
      queries.push({ kind: 'cadastral', q, relevant: new Set(rel.map((x) => x.id)), exact: true, target: gt.id });
    }
    // Typos: surname + a long word of the document with two letters swapped (a word the index does not hold).
    const withSurname = docs.filter((d) => surnameOf(d) !== undefined);
    for (const gt of sample(withSurname, 40)) {
      if (queries.filter((q) => q.kind === 'typo').length >= 10) break;
      const surname = surnameOf(gt)!;
      const cands = words(gt, /^\p{Ll}{8,}$/u, surname).filter((w) => !surname.toLowerCase().includes(w));
      if (cands.length === 0) continue;
      const w = pick(cands);
      const i = 2 + Math.floor(r() * (w.length - 4));
      const typo = w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
      if (typo === w || allTerms.has(termOf(foldAccents(typo))!)) continue;
      const rel = relevantFor({ terms: [termOf(foldAccents(surname))!, termOf(foldAccents(w))!] });
      queries.push({ kind: 'typo', q: `${surname} ${typo}`, relevant: rel, target: gt.id });
    }
    // Inflections: surname + another form of a word of the document ("ristrutturazioni" for "ristrutturazione").
    const INFLECT: [RegExp, string][] = [[/zione$/, 'zioni'], [/zioni$/, 'zione'], [/mento$/, 'menti'], [/menti$/, 'mento'], [/ato$/, 'ati'], [/ata$/, 'ate'], [/ati$/, 'ato']];
    for (const gt of sample(withSurname, 60)) {
      if (queries.filter((q) => q.kind === 'inflection').length >= 10) break;
      const surname = surnameOf(gt)!;
      const cands = words(gt, /^\p{Ll}{7,}$/u, surname).filter((w) => INFLECT.some(([re]) => re.test(w)));
      if (cands.length === 0) continue;
      const w = pick(cands);
      const [re, rep] = INFLECT.find(([re]) => re.test(w))!;
      const rel = relevantFor({ terms: [termOf(foldAccents(surname))!, termOf(foldAccents(w))!] });
      queries.push({ kind: 'inflection', q: `${surname.toLowerCase()} ${w.replace(re, rep)}`, relevant: rel, target: gt.id });
    }
    // Phrases: the applicant's name quoted, plus a word of the document.
    for (const gt of sample(docs.filter((d) => d.applicant && /^\p{L}+ \p{L}+$/u.test(d.applicant)), 8)) {
      const w = pick(words(gt, /^\p{Ll}{6,}$/u, gt.applicant));
      const phrase = terms(gt.applicant!);
      const rel = relevantFor({ phrase, terms: [termOf(foldAccents(w))!] });
      queries.push({ kind: 'phrase', q: `"${gt.applicant}" ${w}`, relevant: rel, target: gt.id });
    }
    // Filters: surname with the document's year and type.
    for (const gt of sample(withSurname.filter((d) => d.practice), 5)) {
      const surname = surnameOf(gt)!;
      const year = gt.practice!.year;
      const filters: SearchFilters = { yearFrom: year, yearTo: year, documentType: gt.documentType };
      const rel = relevantFor(
        { terms: [termOf(foldAccents(surname))!] },
        (x) => (x.practice?.year ?? (x.protocol ? Number(x.protocol.date.slice(0, 4)) : undefined)) === year && x.documentType === gt.documentType,
      );
      queries.push({ kind: 'filter', q: surname, filters, relevant: rel, target: gt.id });
    }
    // Street name (no civic: stays text) and surname.
    for (const gt of sample(withSurname.filter((d) => d.address), 5)) {
      const street = gt.address!.street.split(/\s+/).pop()!;
      const surname = surnameOf(gt)!;
      const rel = relevantFor({ terms: [termOf(foldAccents(street))!, termOf(foldAccents(surname))!] });
      queries.push({ kind: 'text', q: `${street.toLowerCase()} ${surname.toLowerCase()}`, relevant: rel, target: gt.id });
    }
  }, 60_000);

  afterAll(async () => {
    await index?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds the relevant documents: recall@10 ≥ 0.95', async () => {
    expect(queries.length).toBeGreaterThanOrEqual(60);
    const perKind = new Map<string, { n: number; recall: number; rr: number; trr: number }>();
    let trrSum = 0;
    const failures: string[] = [];
    let recallSum = 0;
    let rrSum = 0;
    for (const query of queries) {
      expect(query.relevant.size, `${query.kind} ${query.q}: no relevant document`).toBeGreaterThan(0);
      const u = understandQuery(query.q);
      const res = await index.search({ q: u.text, filters: { ...u.filters, ...query.filters }, limit: 100 });
      const ranked: string[] = [];
      for (const h of res.hits) if (!ranked.includes(h.documentId)) ranked.push(h.documentId);
      const top = ranked.slice(0, 10);
      const found = top.filter((id) => query.relevant.has(id)).length;
      const recall = found / Math.min(10, query.relevant.size);
      const first = top.findIndex((id) => query.relevant.has(id));
      const rr = first < 0 ? 0 : 1 / (first + 1);
      const t = ranked.indexOf(query.target);
      const trr = t < 0 ? 0 : 1 / (t + 1);
      trrSum += trr;
      recallSum += recall;
      rrSum += rr;
      const k = perKind.get(query.kind) ?? { n: 0, recall: 0, rr: 0, trr: 0 };
      perKind.set(query.kind, { n: k.n + 1, recall: k.recall + recall, rr: k.rr + rr, trr: k.trr + trr });
      if (recall < 1) failures.push(`${query.kind} ${JSON.stringify(query.q)}: recall ${recall.toFixed(2)} (${found}/${query.relevant.size}) top ${top.join(',')}`);
      if (query.exact) expect(ranked.every((id) => query.relevant.has(id)), `${query.q} returned ${ranked.join(',')}`).toBe(true);
    }
    const recall = recallSum / queries.length;
    const mrr = rrSum / queries.length;
    const lines = [...perKind].map(([kind, v]) => `  ${kind.padEnd(11)} n=${String(v.n).padStart(2)} recall@10=${(v.recall / v.n).toFixed(3)} MRR=${(v.rr / v.n).toFixed(3)} target-MRR=${(v.trr / v.n).toFixed(3)}`);
    console.log(`relevance: ${queries.length} queries, ${docs.length} documents, recall@10=${recall.toFixed(3)} MRR=${mrr.toFixed(3)} target-MRR=${(trrSum / queries.length).toFixed(3)} (rank of the source document among all hits)\n${lines.join('\n')}${failures.length ? `\n  misses:\n    ${failures.join('\n    ')}` : ''}`);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  }, 60_000);
});

describe('query planning (capped candidate set)', () => {
  it('ranks the newest matches only, estimates total and facets, and flags the result approximate', async () => {
    const index = createSqliteSearchIndex({ path: ':memory:', maxCandidates: 50 });
    try {
      const docs = Array.from({ length: 400 }, (_, i) => ({
        documentId: `d${i}`,
        pages: [
          {
            documentId: `d${i}`,
            page: 1,
            title: `doc ${i}`,
            filename: `d${i}.pdf`,
            year: 1950 + (i % 50),
            procedureType: i % 2 === 0 ? 'scia' : 'cila',
            comune: 'C000',
            text: `Comunicazione di inizio lavori ${i % 4 === 0 ? 'tettoia' : 'recinzione'} numero ${i}.`,
          },
        ],
      }));
      await index.upsertDocuments(docs);
      const common = await index.search({ q: 'lavori', limit: 10 });
      expect(common.approximate).toBe(true);
      expect(common.total).toBeGreaterThan(300);
      expect(common.total).toBeLessThan(500);
      expect(common.hits).toHaveLength(10);
      const scia = common.facets.procedureType!.scia!;
      expect(scia).toBeGreaterThan(150);
      expect(scia).toBeLessThan(250);
      // Selective queries stay exact.
      const rare = await index.search({ q: 'tettoia', filters: { procedureType: 'scia', yearFrom: 1990 } });
      expect(rare.approximate).toBeUndefined();
      expect(rare.total).toBe(docs.filter((_, i) => i % 4 === 0 && 1950 + (i % 50) >= 1990).length);
      const exact = createSqliteSearchIndex({ path: ':memory:', maxCandidates: 0 });
      await exact.upsertDocuments(docs);
      expect((await exact.search({ q: 'lavori' })).total).toBe(400);
      await exact.close();
    } finally {
      await index.close();
    }
  });
});
