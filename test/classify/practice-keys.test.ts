import { describe, expect, it } from 'vitest';
import { extractEntities, formatPracticeRef } from '../../src/classify/entities.ts';
import {
  addressKeyOf,
  civicKey,
  documentKeys,
  normalisePrefix,
  parcelKeyOf,
  parsePracticeKey,
  practiceKeyOf,
} from '../../src/classify/practice-keys.ts';

describe('practice keys', () => {
  it.each([
    'PE 123/1987',
    'P.E. n. 123/87',
    'pe 0123/1987',
    'PE l23/1987',
    'PE 123/l987',
    'Pratica edilizia n° 123/1987',
    'pratica n.123/87',
    'P. E. nr. 123 / 1987',
  ])('%s is the practice PE 123/1987', (raw) => {
    expect(parsePracticeKey(raw)).toBe('PE 123/1987');
  });

  it('spells every procedure prefix the way the entity extractor does', () => {
    expect(normalisePrefix('P.d.C.')).toBe('PDC');
    expect(normalisePrefix('Permesso di costruire')).toBe('PDC');
    expect(normalisePrefix('S.C.I.A.')).toBe('SCIA');
    expect(normalisePrefix('Concessione edilizia')).toBe('CE');
    expect(normalisePrefix('c.e.')).toBe('CE');
    expect(normalisePrefix('Licenza edilizia')).toBe('LE');
    expect(normalisePrefix('Condono edilizio')).toBe('COND');
    expect(normalisePrefix('Agibilità')).toBe('AGI');
    expect(normalisePrefix('Autorizzazione paesaggistica')).toBe('AP');
    expect(normalisePrefix('D.I.A.')).toBe('DIA');
  });

  it('keeps different procedures, numbers and years apart', () => {
    expect(parsePracticeKey('C.E. 123/87')).toBe('CE 123/1987');
    expect(parsePracticeKey('PE 124/1987')).not.toBe('PE 123/1987');
    expect(parsePracticeKey('PE 123/1988')).not.toBe('PE 123/1987');
  });

  it('reads a look-alike at the start of a number only after a separator', () => {
    expect(parsePracticeKey('AGI12/2000')).toBe('AGI 12/2000');
    expect(parsePracticeKey('AGI l2/2000')).toBe('AGI 12/2000');
  });

  it('refuses what is not a practice reference', () => {
    expect(parsePracticeKey('123/1987')).toBeUndefined();
    expect(parsePracticeKey('Via Roma 12')).toBeUndefined();
    expect(parsePracticeKey('PE 123/19870')).toBeUndefined();
    expect(practiceKeyOf({ prefix: 'PE', number: 0, year: 1987 })).toBeUndefined();
  });

  it.each([
    'Pratica edilizia n. 123/1987',
    'P.E. n° 123/87',
    'permesso di costruire n. 12/2005',
    'PdC n. 7/2012',
    'S.C.I.A. n. 45/2019',
    'Concessione edilizia in sanatoria n. 12/1988',
    'Licenza edilizia n. 5/1965',
    'D.I.A. nr. 14/2003',
    'condono n. 345/1986',
    'Certificato di agibilità n. 9/2001',
    'Autorizzazione paesaggistica n. 3/2015',
  ])('the text the extractor read as a practice, %s, gives the key the extractor gives', (raw) => {
    const found = extractEntities([raw]).best.practiceRef!;
    expect(parsePracticeKey(found.raw)).toBe(formatPracticeRef(found.value));
  });

  it('builds the key from the classifier metadata', () => {
    expect(practiceKeyOf({ prefix: 'PE', number: 123, year: 1987 })).toBe('PE 123/1987');
    expect(practiceKeyOf({ prefix: 'P.E.', number: '0123', year: '87' })).toBe('PE 123/1987');
  });
});

describe('parcel keys', () => {
  it('is foglio/mappale, with OCR look-alikes and leading zeros read as digits', () => {
    expect(parcelKeyOf({ foglio: 12, mappale: 345 })).toBe('12/345');
    expect(parcelKeyOf({ foglio: '012', mappale: '345' })).toBe('12/345');
    expect(parcelKeyOf({ foglio: 'l2', mappale: '34S' })).toBeUndefined();
    expect(parcelKeyOf({ foglio: 'l2', mappale: '3O45' })).toBe('12/3045');
    expect(parcelKeyOf({ foglio: 0, mappale: 345 })).toBeUndefined();
  });

  it('ignores the subalterno: units of one building share the parcel', () => {
    expect(documentKeys({ cadastral: { foglio: 12, mappale: 345, subalterno: 6 } }).parcelKey).toBe('12/345');
  });
});

describe('address keys', () => {
  it.each([
    'Via Roma 12/a',
    'VIA ROMA 12 A',
    'V. Roma, n. 12/A',
    'v.Roma 12A',
    'via  Roma  12a',
    'Via Roma civ. 12/A',
    'via roma l2a',
  ])('%s is "via roma 12a"', (raw) => {
    expect(addressKeyOf(raw)).toBe('via roma 12a');
  });

  it.each([
    ['P.zza dei Mille 3', 'Piazza dei Mille 3', 'p. zza dei mille n. 3', 'PZA DEI MILLE 3'],
    [
      'C.so Vittorio Emanuele II 100',
      'corso vittorio emanuele ii, 100',
      'Cso Vittorio Emanuele II 100',
      'C. so Vittorio Emanuele II n. 100',
    ],
    ['V.le Europa 7 bis', 'viale europa 7/bis', 'V. le Europa 7bis', 'Vle Europa 7 BIS'],
    ["Via D'Annunzio s.n.c.", "via d' annunzio snc", 'V. DAnnunzio S.N.C.', 'Via D’Annunzio snc'],
    ['Località Poggio Alto 4', 'loc. poggio alto 4', 'LOCALITA POGGIO ALTO 4', 'Loc. Poggio Alto n° 4'],
  ])('spellings of one address share a key: %s', (...variants) => {
    const keys = new Set(variants.map((v) => addressKeyOf(v)));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toBeDefined();
  });

  it('reads the { street, civic } of the classifier the same way as text', () => {
    expect(addressKeyOf({ street: 'Via Roma', civic: '12/A' })).toBe('via roma 12a');
    expect(addressKeyOf({ street: 'Piazza dei Mille', civic: '3' })).toBe(addressKeyOf('P.zza dei Mille 3'));
    expect(addressKeyOf({ street: 'Via XX Settembre', civic: '5' })).toBe('via xx settembre 5');
  });

  it('keeps a street number that is part of the name apart from the civic', () => {
    expect(addressKeyOf('Via 4 Novembre 12')).toBe('via 4 novembre 12');
  });

  it('keeps different civics and streets apart', () => {
    expect(addressKeyOf('Via Roma 12')).not.toBe(addressKeyOf('Via Roma 12/A'));
    expect(addressKeyOf('Via Roma 12/3')).toBe('via roma 12/3');
    expect(addressKeyOf('Viale Roma 12')).not.toBe(addressKeyOf('Via Roma 12'));
    expect(addressKeyOf('Piazzale Roma 12')).not.toBe(addressKeyOf('Piazza Roma 12'));
  });

  it('refuses a street without a civic or a civic without a street', () => {
    expect(addressKeyOf('Via Roma')).toBeUndefined();
    expect(addressKeyOf('via 12')).toBeUndefined();
    expect(addressKeyOf({ street: 'Via Roma', civic: '' })).toBeUndefined();
  });

  it('normalises civic numbers', () => {
    expect(civicKey('12/a')).toBe('12a');
    expect(civicKey('12 A')).toBe('12a');
    expect(civicKey('012')).toBe('12');
    expect(civicKey('12 bis')).toBe('12bis');
    expect(civicKey('S.N.C.')).toBe('snc');
    expect(civicKey('n. 12')).toBe('12');
    expect(civicKey('0')).toBeUndefined();
  });
});

describe('document keys', () => {
  it('collects the keys a document carries and omits the others', () => {
    expect(
      documentKeys({
        practice: { prefix: 'PE', number: 123, year: 1987, key: 'PE 123/1987' },
        address: { street: 'Via Roma', civic: '12/A' },
        cadastral: { foglio: 12, mappale: 345 },
      }),
    ).toEqual({ practiceKey: 'PE 123/1987', parcelKey: '12/345', addressKey: 'via roma 12a' });
    expect(documentKeys({ address: { street: 'Via Roma', civic: '12' } })).toEqual({ addressKey: 'via roma 12' });
    expect(documentKeys(undefined)).toEqual({});
  });
});
