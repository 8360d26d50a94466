// Field-level access: what a professional gets from search and document detail carries no applicant tax code, VAT
// number or birth data, while staff roles get everything. Documents come from the sample generator (realistic
// Italian wording: "La sottoscritta …, nata a Milano il 14/10/1972, C.F. RZZSLV72R54F205H"), searched in a real
// SQLite index and classified by the real rule classifier.
import { beforeAll, describe, expect, it } from 'vitest';
import { formatPracticeRef } from '../../src/classify/entities.ts';
import { extractTaxCodes } from '../../src/classify/entities.tax-ids.ts';
import { toDocumentMetadata } from '../../src/classify/classify.job.ts';
import { loadReferenceData } from '../../src/classify/reference-data.ts';
import { classifyDocument } from '../../src/classify/rules.classifier.ts';
import type { GroundTruth } from '../../src/domain/ground-truth.ts';
import { redactDocument, redactSearchResult, referenceYear, withoutBirthDates } from '../../src/index/field-access.ts';
import { maskPersonalData, maskPersonalDataHtml } from '../../src/index/personal-data.mask.ts';
import type { SearchResult } from '../../src/index/search-index.ts';
import { createSqliteSearchIndex, type SqliteSearchIndex } from '../../src/index/sqlite.search-index.ts';
import { composeDocument, planCorpus } from '../../src/samples/generate.ts';

/** Any codice fiscale shape, valid or not, in any case. */
const CF_SHAPE = /[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]/i;
const BIRTH_PHRASE = /nat[oa]\s+a\s+\p{Lu}[^,\n]{0,40}?\s+il\s+\d/u;

function birthDates(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/nat[oa]\s+a\s+[^,\n]{1,40}?\s+il\s+(\d{1,2})\/(\d{1,2})\/(\d{4})/gu)) {
    out.push(`${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`);
  }
  return out;
}

describe('field-level access to personal data', () => {
  let docs: GroundTruth[];
  let index: SqliteSearchIndex;
  let withTaxCode: GroundTruth[];

  beforeAll(async () => {
    docs = planCorpus({ seed: 20260612, practiceDocs: 60, protocolLetters: 30 }).map(
      (s) => composeDocument(s).groundTruth,
    );
    withTaxCode = docs.filter((d) => extractTaxCodes(d.pages.map((p) => p.text).join('\n'), 1).length > 0);
    index = createSqliteSearchIndex({ path: ':memory:' });
    for (const gt of docs) {
      await index.upsertDocument(
        gt.id,
        gt.pages.map((p, i) => ({
          documentId: gt.id,
          page: i + 1,
          text: p.text,
          title: gt.documentType,
          filename: gt.file,
          practice: gt.practice ? formatPracticeRef(gt.practice) : undefined,
          comune: 'C000',
        })),
      );
    }
  });

  const results = async (): Promise<SearchResult[]> => {
    const someCode = extractTaxCodes(withTaxCode[0]!.pages.map((p) => p.text).join('\n'), 1)[0]!.value;
    return [
      await index.search({ q: 'sottoscritto OR sottoscritta', limit: 100 }),
      await index.search({ q: 'sottoscritto OR sottoscritta', group: 'practice', limit: 50, hitsPerGroup: 5 }),
      await index.search({ q: someCode }), // searching by the code itself: the hit may show, the code may not
      await index.search({ q: 'nato OR nata', limit: 100 }),
    ];
  };

  it('uses a corpus whose snippets do show tax codes and birth data to staff', async () => {
    expect(withTaxCode.length).toBeGreaterThan(5);
    for (const role of ['admin', 'archivist', 'records_manager'] as const) {
      const json = JSON.stringify((await results()).map((r) => redactSearchResult(r, role)));
      expect(extractTaxCodes(json, 1).length, role).toBeGreaterThan(3);
      expect(json).toMatch(BIRTH_PHRASE);
      expect(json).not.toContain('[omesso]');
    }
  });

  it("a professional's search results hold no codice fiscale or birth data anywhere, but keep names and highlights", async () => {
    const raw = await results();
    const redacted = raw.map((r) => redactSearchResult(r, 'professional'));
    const json = JSON.stringify(redacted);
    expect(json).not.toMatch(CF_SHAPE);
    expect(extractTaxCodes(json, 1)).toEqual([]);
    expect(json).not.toMatch(BIRTH_PHRASE);
    expect(json).toContain('[omesso]');
    const applicants = withTaxCode.map((d) => d.applicant).filter((a): a is string => !!a);
    expect(applicants.some((a) => json.includes(a.split(/\s+/).pop()!))).toBe(true);
    for (const r of redacted) {
      for (const h of r.hits) {
        const marks = h.snippet.match(/<\/?mark>/g) ?? [];
        expect(marks.length % 2).toBe(0);
        expect(h.snippet.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
      }
    }
    expect(redacted[0]!.hits.some((h) => h.snippet.includes('<mark>'))).toBe(true);
    // Same shape: totals, facets and grouping untouched; the groups' hits are the result's hits.
    expect(redacted[1]!.totalGroups).toBe(raw[1]!.totalGroups);
    expect(redacted[1]!.groups!.flatMap((g) => g.hits)).toEqual(redacted[1]!.hits);
    expect(redacted[0]!.total).toBe(raw[0]!.total);
    // The input is not modified.
    expect(extractTaxCodes(JSON.stringify(raw), 1).length).toBeGreaterThan(0);
  });

  it("a professional's document detail has no tax-code entities, birth dates or codes in any string; an archivist's does", () => {
    const ref = loadReferenceData();
    let checked = 0;
    for (const gt of withTaxCode) {
      const pages = gt.pages.map((p) => p.text);
      const births = birthDates(pages.join('\n'));
      const classification = classifyDocument(pages, ref);
      const metadata = toDocumentMetadata(classification);
      const born = births.filter((b) => metadata.dates.includes(b));
      if (born.length === 0) continue;
      checked++;
      const code = classification.entities.taxCodes[0]!.value;
      const detail = {
        document: { id: gt.id, filename: `${code}_domanda.pdf`, title: 'Domanda', classification: metadata },
        pages: [{ documentId: gt.id, page: 1, widthPx: 2480, heightPx: 3508, dpi: 300, confidence: 91, chars: 1800 }],
        events: [
          { id: 1, at: '2026-01-01T00:00:00Z', type: 'classified', actor: 'system', detail: { note: `C.F. ${code}` } },
        ],
        classification, // a full classification with its entities, should a route return one
      };
      expect(redactDocument(detail, 'archivist')).toBe(detail);
      const mine = redactDocument(detail, 'professional');
      const json = JSON.stringify(mine);
      expect(json, gt.id).not.toMatch(CF_SHAPE);
      expect(json).not.toMatch(BIRTH_PHRASE);
      for (const b of born) expect(mine.document.classification.dates).not.toContain(b);
      expect(mine.classification.entities.taxCodes).toEqual([]);
      expect(mine.classification.entities.vatNumbers).toEqual([]);
      expect(mine.classification.entities.best).not.toHaveProperty('taxCode');
      expect(mine.document.classification.applicant).toBe(metadata.applicant);
      expect(mine.document.classification.practice).toEqual(metadata.practice);
      expect(mine.pages).toEqual(detail.pages);
      expect(mine.document.filename).toBe('[omesso]_domanda.pdf');
      expect(JSON.stringify(detail)).toContain(code); // the input is not modified
    }
    expect(checked).toBeGreaterThan(3);
  });

  it("keeps recent dates and withholds those old enough to be an adult applicant's birth date", () => {
    const keep = withoutBirthDates(referenceYear({ practice: { year: 1990 }, dates: ['1950-03-12', '1989-05-01'] }));
    expect(['1950-03-12', '1972-12-31', '1973-01-01', '1989-05-01'].filter(keep)).toEqual(['1973-01-01', '1989-05-01']);
    expect(referenceYear({ dates: ['1950-03-12', '2004-07-01'] })).toBe(2004);
    expect(referenceYear({ protocol: { number: 3, date: '1998-02-02' }, dates: [] })).toBe(1998);
    expect(withoutBirthDates(undefined)('2020-01-01')).toBe(false);
  });

  it('treats an unknown or missing role like a professional', async () => {
    const r = await index.search({ q: 'sottoscritto OR sottoscritta', limit: 100 });
    for (const role of [undefined, null, 'guest', 'ADMIN']) {
      expect(JSON.stringify(redactSearchResult(r, role))).not.toMatch(CF_SHAPE);
    }
  });
});

describe('masking personal data in text', () => {
  it('masks codici fiscali (also OCR-damaged or spaced), labelled partite IVA and birth place and date', () => {
    expect(
      maskPersonalData(
        'Il sottoscritto Mario Rossi, nato a Padova (PD) il 12/03/1950, C.F. RSSMRA50C12G224H, residente',
      ),
    ).toBe('Il sottoscritto Mario Rossi, nato a [omesso] il [omesso], C.F. [omesso], residente');
    expect(maskPersonalData('nata il 3 aprile 1948 a San Donà di Piave, residente')).toBe(
      'nata il [omesso] a [omesso], residente',
    );
    expect(maskPersonalData('cod. fisc. RSS MRA 50C12 G224H; codice fiscale rssmra5OC12g224h')).toBe(
      'cod. fisc. [omesso]; codice fiscale [omesso]',
    );
    expect(maskPersonalData('Ditta Edil Srl, P.IVA 01234567890 e VAT IT01234567890')).toBe(
      'Ditta Edil Srl, P.IVA [omesso] e VAT [omesso]',
    );
    expect(maskPersonalData('data di nascita: 12.03.1950; luogo di nascita: Padova, sesso M')).toBe(
      'data di nascita: [omesso]; luogo di nascita: [omesso], sesso M',
    );
  });

  it('leaves ordinary record text alone', () => {
    const text =
      'La rappresentazione grafica particolareggiata, C.F. del richiedente allegato; prot. 4512/1987 del 12/03/1987, ' +
      'foglio 12 mappale 345, legge 47 del 1985, pratica PE 123/1987, Via Roma 12.';
    expect(maskPersonalData(text)).toBe(text);
  });

  it('masks inside a snippet, dropping the highlight of a masked code and keeping the others', () => {
    const html =
      '… La sottoscritta <mark>Anna</mark> Bianchi, nata a Ca&#39; Savio il 01/02/1960, C.F. <mark>BNCNNA60B41B563K</mark>, ' +
      '&lt;proprietaria&gt; &amp; <mark>richiedente</mark> …';
    expect(maskPersonalDataHtml(html)).toBe(
      '… La sottoscritta <mark>Anna</mark> Bianchi, nata a [omesso] il [omesso], C.F. [omesso], ' +
        '&lt;proprietaria&gt; &amp; <mark>richiedente</mark> …',
    );
    expect(maskPersonalDataHtml('nessun dato <mark>personale</mark> &amp; basta')).toBe(
      'nessun dato <mark>personale</mark> &amp; basta',
    );
  });
});
