import { describe, expect, it } from 'vitest';
import { extractEntities } from '../../src/classify/entities.ts';
import {
  documentValues,
  entityTable,
  foldName,
  mentionValues,
  printedTaxCodes,
  printedVatNumbers,
  rates,
  scoreDocument,
  sumScores,
  truthValues,
  verdicts,
  type EntityValues,
} from '../../src/classify/entity-eval.ts';
import type { GroundTruth } from '../../src/domain/ground-truth.ts';
import { composeDocument, planCorpus } from '../../src/samples/generate.ts';

const empty = (): EntityValues => ({
  practice: [],
  protocol: [],
  date: [],
  address: [],
  cadastral: [],
  applicant: [],
  taxCode: [],
  vatNumber: [],
});

function truth(text: string, facts: Partial<GroundTruth> = {}): GroundTruth {
  return {
    id: 'pe-0001',
    file: 'pe-0001.tif',
    format: 'tiff',
    kind: 'practice',
    municipality: 'Modena',
    pages: [{ text }],
    documentType: 'domanda',
    dates: [],
    titolarioClass: 'VI.3',
    office: 'edilizia-privata',
    ...facts,
  };
}

describe('what counts as printed', () => {
  it('expects the generator facts, normalised', () => {
    const gt = truth(
      'PE 12/1987 Via dei Mille n. 3/a, Foglio 1 Mappale 2 Sub. 3, Il sottoscritto Aldo De Santis PROT. N. 77',
      {
        practice: { prefix: 'PE', number: 12, year: 1987 },
        protocol: { number: 77, date: '1987-03-12' },
        address: { street: 'Via dei Mille', civic: '3/a' },
        cadastral: { foglio: 1, mappale: 2, subalterno: 3 },
        applicant: 'Aldo De Santis',
        dates: ['1987-03-12'],
      },
    );
    expect(truthValues(gt)).toEqual({
      practice: ['PE 12/1987'],
      protocol: ['77 del 1987-03-12'],
      date: ['1987-03-12'],
      address: ['via dei mille 3/A'],
      cadastral: ['F1 M2 S3'],
      applicant: ['aldo de santis'],
      taxCode: [],
      vatNumber: [],
    });
  });

  it('does not expect a protocol whose number is not on the page', () => {
    const gt = truth('nessun numero qui', { protocol: { number: 4063, date: '2010-05-07' } });
    expect(truthValues(gt).protocol).toEqual([]);
  });

  it('expects only tax codes and VAT numbers with a valid check character', () => {
    expect(printedTaxCodes('C.F. RSSMRA85M01H501Q e RSSMRA85M01H501A')).toEqual(['RSSMRA85M01H501Q']);
    expect(printedVatNumbers('P. IVA 00488410010 – tel. 059; P. IVA 23413177305; telefono 00488410010')).toEqual([
      '00488410010',
    ]);
  });

  it('folds case, accents, dots and typographic apostrophes in names', () => {
    expect(foldName('Piazza della Libertà')).toBe(foldName("PIAZZA DELLA LIBERTA'"));
    expect(foldName('Immobiliare San Marco S.r.l.')).toBe('immobiliare san marco s r l');
    expect(foldName('Via D’Annunzio')).toBe("via d'annunzio");
  });
});

describe('scoring', () => {
  it('counts a wrong pick as a false positive and a miss, and a value seen elsewhere as seen', () => {
    const expected = { ...empty(), protocol: ['3136 del 2013-06-24'], date: ['2013-05-23', '2013-06-24'] };
    const found = { ...empty(), protocol: ['2573 del 2013-05-23'], date: ['2013-05-23', '2013-06-25'] };
    const mentions = { ...found, protocol: ['2573 del 2013-05-23', '3136 del 2013-06-24'] };
    const s = scoreDocument({ id: 'x', pages: 1 }, expected, found, mentions);
    expect(s.kinds.protocol).toMatchObject({ tp: 0, fp: 1, fn: 1, seen: 1, missed: ['3136 del 2013-06-24'] });
    expect(s.kinds.date).toMatchObject({ tp: 1, fp: 1, fn: 1, spurious: ['2013-06-25'] });
    expect(s.kinds.address).toMatchObject({ tp: 0, fp: 0, fn: 0 });
  });

  it('sums documents and computes precision, recall and F1, undefined when there is nothing to count', () => {
    const a = scoreDocument(
      { id: 'a', pages: 1 },
      { ...empty(), date: ['2001-01-01'] },
      { ...empty(), date: ['2001-01-01'] },
    );
    const b = scoreDocument(
      { id: 'b', pages: 2 },
      { ...empty(), date: ['2002-02-02'] },
      { ...empty(), date: ['2002-02-03'] },
    );
    const t = sumScores([a, b]);
    expect(t.date).toEqual({ tp: 1, fp: 1, fn: 1, seen: 1 });
    expect(rates(t.date)).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(rates(t.taxCode)).toEqual({ precision: undefined, recall: undefined, f1: undefined });
  });

  it('fails a kind under the threshold, passes the others and leaves kinds with no data unmeasured', () => {
    const t = sumScores([
      scoreDocument(
        { id: 'a', pages: 1 },
        { ...empty(), date: ['2001-01-01'], applicant: ['aldo rossi'] },
        { ...empty(), date: ['2001-01-01'], applicant: ['aldo rosi'] },
      ),
    ]);
    const v = new Map(verdicts(t, 0.95).map((x) => [x.kind, x]));
    expect(v.get('date')?.status).toBe('pass');
    expect(v.get('applicant')).toMatchObject({ status: 'fail', reason: 'precisione 0.000, richiamo 0.000 < 0.95' });
    expect(v.get('taxCode')?.status).toBe('unmeasured');
    const table = entityTable(t, 0.95);
    expect(table.split('\n')[0]).toMatch(/^kind\s+expected\s+TP\s+FP\s+FN\s+precision\s+recall\s+F1\s+seen/);
    expect(table).toMatch(/applicant\s+1\s+0\s+1\s+1\s+0\.000\s+0\.000\s+—\s+0\s+SOTTO SOGLIA/);
  });
});

describe('generated documents, clean text', () => {
  it('extracts every printed entity of 24 composed documents (the scorer and the generator agree)', () => {
    const specs = planCorpus({ seed: 3, practiceDocs: 12, protocolLetters: 12 });
    const scores = specs.map((spec) => {
      const gt = composeDocument(spec).groundTruth;
      const e = extractEntities(gt.pages.map((p) => p.text));
      return scoreDocument({ id: gt.id, pages: gt.pages.length }, truthValues(gt), documentValues(e), mentionValues(e));
    });
    const t = sumScores(scores);
    const wrong = scores.flatMap((s) =>
      Object.entries(s.kinds)
        .filter(([, k]) => k.fp + k.fn > 0)
        .map(([kind, k]) => `${s.id} ${kind}: -${k.missed.join(',')} +${k.spurious.join(',')}`),
    );
    expect(wrong).toEqual([]);
    expect(t.protocol.tp).toBe(24);
    expect(t.applicant.tp).toBe(24);
    expect(t.date.tp).toBeGreaterThan(24);
  });
});
