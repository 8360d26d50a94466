import { describe, expect, it } from 'vitest';
import { extractApplicants } from '../../src/classify/entities.applicant.ts';
import { syntheticRows } from '../../src/classify/model/dataset.ts';
import { Rng } from '../../src/samples/random.ts';
import { extractApplicants as referenceApplicants } from './entities.applicant.old.ts';

// Pieces the fuzzer glues together: cues, names, legal forms in their OCR spellings, words that stop a name,
// particles, blanks of every kind, punctuation and astral letters (two UTF-16 units, still letters).
// prettier-ignore
const PIECES = [
  'Il sottoscritto', 'll sottoscritto', 'La sottoscritta', 'Richiedente:', 'Committente,', 'La società', 'La societa\'',
  'Egregio Sig.', 'Gent.ma', 'Spett.le', 'alla Sig.ra', 'Al Signor', 'Alla società', 'Per ricevuta:', 'su incarico di',
  'da', ', tendente a', ', intesa', 'Geom.', 'Ing.', 'Dott.ssa', 'PREFETTURA DI MODENA', 'Regione Emilia', 'Camera di commercio',
  'Rossi', 'MARIO', 'Aldo', 'De', 'Santis', 'di', 'della', "D'Annunzio", 'Dell’Acqua', 'Impresa', 'Edile', 'Conti',
  'Autofficina', 'Rinaldi', 'nato', 'residente', 'via', 'codice', 'proprietario', 'edilizia', 'richiesta', 'lavori', 'e',
  'S.r.l.', 'S.R.L.', 'Srl', 'S.r.1.', 'S. p. A.', 'S.p.A.', 'SpA', 'S.n.c.', 'snc', 'S.a.s.', 'S.r.l.s.', 'S.',
  'S.r', 'Sas', 'Sr1', 'Società', 'SCIA', 'Soc.', '𝒜𝒷𝒸', 'Ölmann', 'À', '’', "'", '12', '3/2019', '.', ',', ';', ':', '-',
  '(', ')', '|', '/', '\n', '\n\n', '\t', ' ', '  ', ' '.repeat(45), '\f',
];

function fuzzText(rng: Rng): string {
  const parts: string[] = [];
  const n = rng.int(1, 14);
  for (let i = 0; i < n; i++) {
    parts.push(rng.pick(PIECES));
    parts.push(rng.chance(0.7) ? ' ' : rng.chance(0.5) ? '' : rng.pick(['\n', '\t', '  ', ', ']));
  }
  return parts.join('');
}

describe('applicant extraction with legal forms looked up first', () => {
  it('returns exactly what the reference implementation returns on 100,000 fuzzed strings', () => {
    const rng = new Rng(20261126);
    let differing = 0;
    let withApplicants = 0;
    const examples: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const text = fuzzText(rng);
      const page = i % 3 === 0 ? 2 : 1;
      const expected = JSON.stringify(referenceApplicants(text, page));
      if (expected !== '[]') withApplicants++;
      if (JSON.stringify(extractApplicants(text, page)) !== expected) {
        differing++;
        if (examples.length < 3) examples.push(text);
      }
    }
    expect(examples).toEqual([]);
    expect(differing).toBe(0);
    // the fuzzer must produce applicants, or the comparison proves little
    expect(withApplicants).toBeGreaterThan(20_000);
  });

  it('returns exactly what the reference implementation returns on generated documents', () => {
    const rows = syntheticRows('titolarioClass', { rows: 800, seed: 5 });
    let withApplicants = 0;
    for (const { text } of rows) {
      for (const page of [1, 2]) {
        const expected = referenceApplicants(text, page);
        if (expected.length > 0) withApplicants++;
        expect(extractApplicants(text, page)).toEqual(expected);
      }
    }
    expect(withApplicants).toBeGreaterThan(400);
  });
});
