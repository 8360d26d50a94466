// Tax identifiers on generated documents: the applicant's codice fiscale matches the name, birth place and date the
// introduction prints; companies and suppliers carry a valid partita IVA; nothing is printed before 1977.
import { describe, expect, it } from 'vitest';
import { isValidCodiceFiscale, isValidPartitaIva } from '../../src/classify/entities.tax-ids.ts';
import { BIRTH_PLACES } from '../../src/samples/content.data.ts';
import { datesInText, type Gender } from '../../src/samples/content.format.ts';
import { BELFIORE, codiceFiscale, TAX_IDS_FROM_YEAR } from '../../src/samples/content.tax-ids.ts';
import { composeDocument, planCorpus, type ComposedDocument } from '../../src/samples/generate.ts';

const INTRO = /(Il sottoscritto|La sottoscritta) (\S+) ([^,]+), nat[oa] a (\S+) il ([^,]+),( C\.F\. ([A-Z0-9]{16}),)?/g;
const COMPANY = /La società ([^,]+),( P\. IVA (\d{11}),)? in persona/g;

const composed: ComposedDocument[] = [1, 2, 3, 42].flatMap((seed) =>
  planCorpus({ seed, practiceDocs: 40, protocolLetters: 30 }).map((s) => composeDocument(s)),
);
/** The document's text on one line: layout may break a line anywhere between words. */
const text = (c: ComposedDocument) => c.groundTruth.pages.map((p) => p.text.replace(/\s+/g, ' ')).join(' ');

describe('tax identifiers in generated documents', () => {
  it('every birth place has a Belfiore code of the right shape', () => {
    for (const place of BIRTH_PLACES) expect(BELFIORE[place], place).toMatch(/^[A-Z]\d{3}$/);
    expect(new Set(Object.values(BELFIORE)).size).toBe(Object.keys(BELFIORE).length);
  });

  it('from 1977 each introduction prints the codice fiscale of the person it names; before, none', () => {
    let withCode = 0;
    let without = 0;
    for (const c of composed) {
      for (const m of text(c).matchAll(INTRO)) {
        const [, article, first, last, place, date, , cf] = m;
        if (c.content.year < TAX_IDS_FROM_YEAR) {
          expect(cf, c.groundTruth.id).toBeUndefined();
          without++;
          continue;
        }
        const [iso] = datesInText(date!);
        const [y, mo, d] = iso!.split('-').map(Number);
        const gender: Gender = article === 'Il sottoscritto' ? 'm' : 'f';
        const expected = codiceFiscale({
          first: first!,
          last: last!,
          gender,
          birthPlace: place!,
          birthDate: { y: y!, m: mo!, d: d! },
        });
        expect(cf, `${c.groundTruth.id}: ${m[0]}`).toBe(expected);
        expect(isValidCodiceFiscale(cf!)).toBe(true);
        withCode++;
      }
    }
    expect(withCode).toBeGreaterThan(100);
    expect(without).toBeGreaterThan(0);
  });

  it('applying companies and invoicing suppliers print a valid partita IVA, one per company and practice', () => {
    const byCompany = new Map<string, Set<string>>();
    let invoices = 0;
    for (const c of composed) {
      const t = text(c);
      for (const m of t.matchAll(COMPANY)) {
        if (c.content.year < TAX_IDS_FROM_YEAR) {
          expect(m[3], c.groundTruth.id).toBeUndefined();
          continue;
        }
        expect(isValidPartitaIva(m[3]!), `${c.groundTruth.id}: ${m[0]}`).toBe(true);
        const ref = c.groundTruth.practice;
        const key = `${ref?.prefix} ${ref?.number}/${ref?.year} ${m[1]}`;
        byCompany.set(key, (byCompany.get(key) ?? new Set()).add(m[3]!));
      }
      if (c.spec.letterKind === 'fattura_fornitore') {
        const [vat] = [...t.matchAll(/P\. IVA (\d+)/g)].map((x) => x[1]!);
        expect(vat, c.groundTruth.id).toHaveLength(11);
        expect(isValidPartitaIva(vat!), vat).toBe(true);
        invoices++;
      }
    }
    expect(byCompany.size).toBeGreaterThan(0);
    expect(invoices).toBeGreaterThan(0);
    for (const [company, vats] of byCompany) expect(vats.size, company).toBe(1);
  });
});
