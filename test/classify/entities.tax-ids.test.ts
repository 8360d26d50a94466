// Codici fiscali and partite IVA: the extractor's checks against the generator's independent implementation, wrong
// check characters, OCR look-alikes, and the codes printed on generated documents.
import { describe, expect, it } from 'vitest';
import {
  codiceFiscaleCheckChar,
  extractTaxCodes,
  extractVatNumbers,
  isValidCodiceFiscale,
  isValidPartitaIva,
} from '../../src/classify/entities.tax-ids.ts';
import { extractEntities } from '../../src/classify/entities.ts';
import { printedTaxCodes, printedVatNumbers } from '../../src/classify/entity-eval.ts';
import { BIRTH_PLACES, FEMALE_NAMES, MALE_NAMES, SURNAMES } from '../../src/samples/content.data.ts';
import type { Person } from '../../src/samples/content.format.ts';
import { codiceFiscale, partitaIva } from '../../src/samples/content.tax-ids.ts';
import { composeDocument, pickMunicipality } from '../../src/samples/generate.ts';
import { Rng } from '../../src/samples/random.ts';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function people(n: number, seed = 1): Person[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const gender = rng.chance(0.5) ? 'm' : 'f';
    return {
      first: rng.pick(gender === 'm' ? MALE_NAMES : FEMALE_NAMES),
      last: rng.pick(SURNAMES),
      gender,
      birthPlace: rng.pick(BIRTH_PLACES),
      birthDate: { y: rng.int(1920, 2005), m: rng.int(1, 12), d: rng.int(1, 28) },
    } satisfies Person;
  });
}

describe('codice fiscale', () => {
  it('the generator writes the published examples: surname, name, date and sex, Belfiore code, check character', () => {
    const mario = {
      first: 'Mario',
      last: 'Rossi',
      gender: 'm',
      birthPlace: 'Roma',
      birthDate: { y: 1980, m: 1, d: 1 },
    } as const;
    expect(codiceFiscale(mario)).toBe('RSSMRA80A01H501U');
    // four consonants in the name: 1st, 3rd, 4th; a woman's day + 40; a two-word surname; December = T
    const fr = {
      first: 'Francesca',
      last: 'De Luca',
      gender: 'f',
      birthPlace: 'Padova',
      birthDate: { y: 1955, m: 12, d: 9 },
    } as const;
    expect(codiceFiscale(fr)).toMatch(/^DLCFNC55T49G224[A-Z]$/);
  });

  it('every code the generator computes is valid, and each of the 25 other check characters is rejected', () => {
    for (const p of people(300)) {
      const cf = codiceFiscale(p);
      expect(isValidCodiceFiscale(cf), `${cf} for ${JSON.stringify(p)}`).toBe(true);
      expect(codiceFiscaleCheckChar(cf.slice(0, 15))).toBe(cf[15]);
      for (const wrong of LETTERS.replace(cf[15]!, '')) {
        const bad = cf.slice(0, 15) + wrong;
        expect(isValidCodiceFiscale(bad), bad).toBe(false);
        expect(extractTaxCodes(`C.F. ${bad},`, 0)).toEqual([]);
      }
    }
  });

  it('a single changed character in the body is caught by the check character', () => {
    const cf = codiceFiscale(people(1, 7)[0]!);
    for (let i = 0; i < 15; i++) {
      const alt = /[0-9]/.test(cf[i]!) ? String((Number(cf[i]) + 3) % 10) : cf[i] === 'X' ? 'Y' : 'X';
      const bad = cf.slice(0, i) + alt + cf.slice(i + 1);
      expect(isValidCodiceFiscale(bad), bad).toBe(false);
    }
  });

  it('repairs O/0 and I/1 read by OCR in digit or letter positions, flagged as corrected', () => {
    const cf = 'RSSMRA80A01H501U';
    const [m] = extractTaxCodes('nato a Roma il 01/01/1980, C.F. RSSMRA8OAO1H5O1U, residente', 3);
    expect(m).toMatchObject({ value: cf, page: 3, raw: 'RSSMRA8OAO1H5O1U', corrected: true, personal: true });
  });

  // misreads tesseract made of generated codes (scripts/entity-eval.ts --ocr, seeds 43 and 44)
  it.each([
    ['C.F. DSSNCRL68H25H703W,', 'DSNCRL68H25H703W'], // a doubled letter
    ['C.F. MRTDNL74R51D20S5I,', 'MRTDNL74R51D205I'], // S split off a 5
    ['C.F. MRTFRC33T71A3901I,', 'MRTFRC33T71A390I'], // I split off a 1
    ['C.F. RUMNNGL63S63L483B,', 'RMNNGL63S63L483B'], // the first stroke of M read apart
    ['C.F. PRSRRT57MI16G888A,', 'PRSRRT57M16G888A'],
    ['C.F. SRRRRT40C06L7810,', 'SRRRRT40C06L781Q'], // check character Q read as 0
    ['C.F. GRRSFN91MO03GS535K,', 'GRRSFN91M03G535K'], // two splits: allowed after the label
    ['EF; BRNSRG64RO02F205U,', 'BRNSRG64R02F205U'], // label lost to OCR: one split is still repaired
  ])('reads %s as %s', (text, value) => {
    expect(extractTaxCodes(text, 1)).toMatchObject([{ value, corrected: true }]);
  });

  it('does not guess: two splits without a label, or a letter read as another letter, give nothing', () => {
    expect(extractTaxCodes('xx GRRSFN91MO03GS535K yy', 1)).toEqual([]);
    expect(extractTaxCodes('C.F. GRRSIV56M60G273W,', 1)).toEqual([]); // L read as I
    expect(extractTaxCodes('C.F. RUNNGL63S63L483B,', 1)).toEqual([]); // M read as U
  });

  it('a code with one arbitrary wrong character or one split is read right or not at all, never as another', () => {
    const rng = new Rng(5);
    const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const SPLITS: Record<string, string[]> = {
      M: ['IM', 'UM'],
      N: ['IN'],
      '0': ['O0', '0O'],
      '1': ['1I', 'I1'],
      '5': ['S5', '5S'],
      S: ['SS'],
    };
    let right = 0;
    let splitRight = 0;
    let splitTotal = 0;
    for (const p of people(400, 3)) {
      const cf = codiceFiscale(p);
      const i = rng.int(0, 15);
      const sub = cf.slice(0, i) + rng.pick([...ALNUM.replace(cf[i]!, '')]) + cf.slice(i + 1);
      const got = extractTaxCodes(`C.F. ${sub},`, 1).map((m) => m.value);
      expect(
        got.filter((v) => v !== cf),
        `${cf} misread as ${sub}`,
      ).toEqual([]);
      if (got.length) right++;
      const at = [...cf].map((c, j) => (SPLITS[c] ? j : -1)).filter((j) => j >= 0);
      if (!at.length) continue;
      const j = rng.pick(at);
      const split = cf.slice(0, j) + rng.pick(SPLITS[cf[j]!]!) + cf.slice(j + 1);
      const read = extractTaxCodes(`C.F. ${split},`, 1).map((m) => m.value);
      expect(
        read.filter((v) => v !== cf),
        `${cf} misread as ${split}`,
      ).toEqual([]);
      splitTotal++;
      if (read.length) splitRight++;
    }
    expect(right).toBeGreaterThan(0); // look-alikes in forced positions are repaired
    expect(splitRight / splitTotal).toBeGreaterThan(0.8);
  });

  it('ignores a mixed-case 16-character word and a code glued to other letters', () => {
    expect(extractTaxCodes('Rssmra80a01h501u', 0)).toEqual([]);
    expect(extractTaxCodes('XRSSMRA80A01H501U', 0)).toEqual([]);
  });
});

describe('partita IVA', () => {
  it('the generator writes 7-digit serial, 3-digit office code and the check digit', () => {
    expect(partitaIva(48841, 1)).toBe('00488410010'); // a real, published partita IVA
    expect(() => partitaIva(1, 0)).toThrow();
    expect(() => partitaIva(10_000_000, 1)).toThrow();
  });

  it('every generated number is valid; each other last digit and each changed body digit is rejected', () => {
    const rng = new Rng(11);
    for (let n = 0; n < 300; n++) {
      const vat = partitaIva(rng.int(0, 9_999_999), rng.int(1, 100));
      expect(isValidPartitaIva(vat), vat).toBe(true);
      expect(extractVatNumbers(`P. IVA ${vat}`, 0).map((m) => m.value)).toEqual([vat]);
      for (let d = 0; d <= 9; d++) {
        if (String(d) === vat[10]) continue;
        const bad = vat.slice(0, 10) + d;
        expect(isValidPartitaIva(bad), bad).toBe(false);
        expect(extractVatNumbers(`P. IVA ${bad}`, 0)).toEqual([]);
      }
      const i = rng.int(0, 9);
      const body = vat.slice(0, i) + String((Number(vat[i]) + rng.int(1, 9)) % 10) + vat.slice(i + 1);
      expect(isValidPartitaIva(body), body).toBe(false);
    }
  });

  it('reads O for 0 in a labelled number and flags the value as corrected', () => {
    const [m] = extractVatNumbers('P.IVA OO48841OO1O – tel.', 0);
    expect(m).toMatchObject({ value: '00488410010', corrected: true });
  });
});

describe('codes printed on generated documents', () => {
  const m = pickMunicipality(5);
  const docs = Array.from({ length: 40 }, (_, i) =>
    composeDocument({
      id: `t-${i}`,
      seed: 9000 + i,
      kind: 'protocol',
      municipality: m,
      letterKind: i % 2 === 0 ? 'fattura_fornitore' : 'certificato_residenza',
      format: 'pdf',
    }),
  ).map((c) => c.groundTruth);

  it('every supplier invoice carries a valid partita IVA and every citizen letter a valid codice fiscale', () => {
    for (const gt of docs) {
      const text = gt.pages.map((p) => p.text).join('\n');
      const codes = [...text.matchAll(/C\.F\. (\S{16})/g)].map((x) => x[1]!);
      const vats = [...text.matchAll(/P\. IVA (\d+)/g)].map((x) => x[1]!);
      if (Number(gt.id.slice(2)) % 2 === 0) {
        expect(vats, gt.id).toHaveLength(1);
        expect(isValidPartitaIva(vats[0]!), vats[0]).toBe(true);
      } else {
        expect(codes, gt.id).toHaveLength(1);
        expect(isValidCodiceFiscale(codes[0]!), codes[0]).toBe(true);
      }
    }
  });

  it('the extractor finds exactly the codes the evaluation expects on the clean pages', () => {
    for (const gt of docs) {
      const pages = gt.pages.map((p) => p.text);
      const text = pages.join('\n');
      const e = extractEntities(pages);
      expect(
        e.taxCodes.map((x) => x.value),
        gt.id,
      ).toEqual(printedTaxCodes(text));
      expect(
        e.vatNumbers.map((x) => x.value),
        gt.id,
      ).toEqual(printedVatNumbers(text));
      expect(printedTaxCodes(text).length + printedVatNumbers(text).length, gt.id).toBe(1);
    }
  });
});
