import { describe, expect, it } from 'vitest';
import {
  codiceFiscaleCheckChar,
  expandYear,
  extractEntities,
  formatCadastral,
  formatPracticeRef,
  isValidCodiceFiscale,
  isValidDate,
  isValidPartitaIva,
  parseItalianDate,
} from '../../src/classify/entities.ts';

const one = (text: string) => extractEntities([text]);

describe('practice references', () => {
  it.each([
    ['Pratica edilizia n. 123/1987', 'PE', 123, 1987, undefined],
    ['PE 123/1987', 'PE', 123, 1987, undefined],
    ['P.E. n° 123/87', 'PE', 123, 1987, undefined],
    ['SCIA n. 45/2019', 'SCIA', 45, 2019, 'scia'],
    ['permesso di costruire n. 12/2005', 'PDC', 12, 2005, 'permesso_di_costruire'],
    ['Concessione edilizia n. 88/1979', 'CE', 88, 1979, 'concessione_edilizia'],
    ['Licenza edilizia n. 5/1965', 'LE', 5, 1965, 'licenza_edilizia'],
    ['CILA 7/2021', 'CILA', 7, 2021, 'cila'],
    ['condono n. 345/1986', 'COND', 345, 1986, 'condono'],
    ['D.I.A. nr. 14/2003', 'DIA', 14, 2003, 'dia'],
    ['Pratica n. 77/1992', 'PE', 77, 1992, undefined],
    ['PdC n. 7/2012', 'PDC', 7, 2012, 'permesso_di_costruire'],
    ['Concessione edilizia in sanatoria n. 12/1988', 'CE', 12, 1988, 'condono'],
  ])('reads "%s" as %s %i/%i', (text, prefix, number, year, procedureType) => {
    const refs = one(`Oggetto: ${text} - richiesta`).practiceRefs;
    expect(refs).toHaveLength(1);
    expect(refs[0]!.value).toEqual({ prefix, number, year, ...(procedureType ? { procedureType } : {}) });
    expect(refs[0]!.raw).toBe(text);
  });

  it('tolerates OCR spacing and look-alike digits around the slash', () => {
    const [a] = one('rif. PE 123 / 1987').practiceRefs;
    expect(a?.value).toMatchObject({ prefix: 'PE', number: 123, year: 1987 });
    const [b] = one('Pratica edilizia n. l23/l987').practiceRefs;
    expect(b?.value).toMatchObject({ number: 123, year: 1987 });
    expect(b?.corrected).toBe(true);
  });

  it('maps two-digit years to the right century', () => {
    expect(expandYear('87')).toBe(1987);
    expect(expandYear('05')).toBe(2005);
    expect(one('P.E. 4/65').practiceRefs[0]?.value.year).toBe(1965);
  });

  it('does not read lower-case words or law references as practice references', () => {
    const e = one('ai sensi della L. 47/85 e del D.P.R. 380/2001, pe 12/2005, lascia 3/2001');
    expect(e.practiceRefs).toEqual([]);
  });

  it('records page (1-based), offset and raw text', () => {
    const e = extractEntities(['prima pagina', 'Vista la SCIA n. 45/2019 presentata']);
    expect(e.practiceRefs[0]).toMatchObject({ page: 2, offset: 9, raw: 'SCIA n. 45/2019', personal: false });
  });

  it('picks as best the practice that appears most often', () => {
    const e = one('PE 5/1990 ... Pratica edilizia n. 123/1987 ... PE 123/1987');
    expect(e.best.practiceRef?.value).toMatchObject({ number: 123, year: 1987 });
    expect(e.best.practiceRef?.occurrences).toBe(2);
    expect(formatPracticeRef(e.best.practiceRef!.value)).toBe('PE 123/1987');
  });
});

describe('protocol references', () => {
  it('reads number and date', () => {
    const [p] = one('Prot. n. 1234 del 12/03/1987').protocols;
    expect(p?.value).toEqual({ number: 1234, date: '1987-03-12', year: 1987 });
  });

  it('reads number/year without a date', () => {
    expect(one('prot. 1234/2020').protocols[0]?.value).toEqual({ number: 1234, year: 2020 });
  });

  it('reads a written-out date', () => {
    expect(one('Protocollo n. 5678 del 3 marzo 2019').protocols[0]?.value).toEqual({
      number: 5678,
      date: '2019-03-03',
      year: 2019,
    });
  });

  it('reads the stamp of the general register', () => {
    const [p] = one('PROTOCOLLO GENERALE N. 1234 DATA 12-03-1987').protocols;
    expect(p?.value).toEqual({ number: 1234, date: '1987-03-12', year: 1987 });
    expect(p?.raw).toBe('PROTOCOLLO GENERALE N. 1234 DATA 12-03-1987');
  });

  it('reads an OCR-damaged protocol (l for 1, O for 0)', () => {
    const [p] = one('Prot. n. l234 del 12/O3/1987').protocols;
    expect(p?.value).toEqual({ number: 1234, date: '1987-03-12', year: 1987 });
    expect(p?.corrected).toBe(true);
  });

  it('keeps the number but drops an impossible date', () => {
    const [p] = one('Prot. n. 77 del 31/02/1987').protocols;
    expect(p?.value).toEqual({ number: 77 });
    expect(p?.raw).toBe('Prot. n. 77');
  });

  it('does not take a word after "protocollo" for a number', () => {
    expect(one('il protocollo lo trasmette').protocols).toEqual([]);
  });
});

describe('dates', () => {
  it.each([
    ['12/03/1987', '1987-03-12'],
    ['12-03-1987', '1987-03-12'],
    ['12.03.1987', '1987-03-12'],
    ['3/4/2001', '2001-04-03'],
    ['12 marzo 1987', '1987-03-12'],
    ['1° aprile 2001', '2001-04-01'],
    ['29 febbraio 2000', '2000-02-29'],
    ['12/O3/l987', '1987-03-12'],
  ])('reads %s as %s', (raw, iso) => {
    const dates = one(`Roma, lì ${raw}.`).dates;
    expect(dates.map((d) => d.value)).toEqual([iso]);
  });

  it('rejects dates that do not exist', () => {
    expect(one('il 31/02/2001, il 29/02/2001, il 32 marzo 2001, il 12/13/2001').dates).toEqual([]);
    expect(isValidDate(2001, 2, 29)).toBe(false);
    expect(isValidDate(2000, 2, 29)).toBe(true);
    expect(parseItalianDate('31/04/1999')).toBeUndefined();
  });

  it('does not read practice numbers or mixed separators as dates', () => {
    expect(one('PE 123/1987 e 12/03-1987').dates).toEqual([]);
  });
});

describe('addresses', () => {
  it.each([
    ['Via Roma n. 12', 'Via Roma', '12'],
    ['Piazza Garibaldi 3/A', 'Piazza Garibaldi', '3/A'],
    ['Corso Matteotti, 45', 'Corso Matteotti', '45'],
    ['VIA XX SETTEMBRE N. 7', 'Via XX Settembre', '7'],
    ['p.zza dei Mille 3', 'Piazza dei Mille', '3'],
    ['Viale Vittorio Emanuele II, 110b', 'Viale Vittorio Emanuele II', '110B'],
    ['Vicolo Stretto snc', 'Vicolo Stretto', 'snc'],
    ['Località Boschetto n. 4', 'Località Boschetto', '4'],
    ['Via 4 Novembre 21', 'Via 4 Novembre', '21'],
    ["Via San Francesco d'Assisi 5", "Via San Francesco d'Assisi", '5'],
    ["VIA D'ANNUNZIO 3", "Via D'Annunzio", '3'],
  ])('reads "%s"', (raw, street, civic) => {
    const [a] = one(`immobile sito in ${raw}, piano terra`).addresses;
    expect(a?.value).toEqual({ street, civic });
  });

  it('does not take a non-name after "via" for a street', () => {
    expect(one('inviata via posta 3 volte').addresses).toEqual([]);
  });

  it('stops the street name at a second street', () => {
    const a = one('tra via Roma e via Verdi 3').addresses;
    expect(a.map((x) => x.value)).toEqual([{ street: 'Via Verdi', civic: '3' }]);
  });
});

describe('cadastral references', () => {
  it.each([
    ['Foglio 12, Mappale 345, Subalterno 6', { foglio: 12, mappale: 345, subalterno: 6 }],
    ['fg. 12 mapp. 345 sub. 6', { foglio: 12, mappale: 345, subalterno: 6 }],
    ['F. 12 part. 345', { foglio: 12, mappale: 345 }],
    ['foglio 12 particella 345', { foglio: 12, mappale: 345 }],
    ['Fog1io 12 mappale 34S', undefined],
    ['Fog1io 12 mappale 345', { foglio: 12, mappale: 345 }],
    ['foglio n. l2, mapp. 3O5', { foglio: 12, mappale: 305 }],
    ['fg.12 mapp.345sub.6', { foglio: 12, mappale: 345, subalterno: 6 }],
  ])('reads "%s"', (raw, value) => {
    const [c] = one(`censito al N.C.E.U. al ${raw} del Comune`).cadastral;
    expect(c?.value).toEqual(value);
  });

  it('marks an OCR-repaired reference as corrected', () => {
    expect(one('Fog1io 12 mapp. 345').cadastral[0]?.corrected).toBe(true);
    expect(formatCadastral({ foglio: 12, mappale: 345, subalterno: 6 })).toBe('F12 M345 S6');
  });
});

describe('codice fiscale', () => {
  it('computes the check character of the well-known example RSSMRA85M01H501Q', () => {
    // R8 S18 S12 M12 R8 A0 8→19 5 M18 0 1→0 H7 5→13 0 1→0 = 120; 120 mod 26 = 16 → Q
    expect(codiceFiscaleCheckChar('RSSMRA85M01H501')).toBe('Q');
    expect(isValidCodiceFiscale('RSSMRA85M01H501Q')).toBe(true);
  });

  it('accepts a valid code and flags it as personal data', () => {
    const [cf] = one('C.F. RSSMRA85M01H501Q residente').taxCodes;
    expect(cf).toMatchObject({ value: 'RSSMRA85M01H501Q', personal: true, corrected: false });
  });

  it('rejects a code with a wrong check character', () => {
    expect(isValidCodiceFiscale('RSSMRA85M01H501A')).toBe(false);
    expect(one('C.F. RSSMRA85M01H501A').taxCodes).toEqual([]);
  });

  it('repairs O read for 0 in a digit position when that makes the check valid', () => {
    const [cf] = one('codice fiscale RSSMRA85M01H5O1Q').taxCodes;
    expect(cf).toMatchObject({ value: 'RSSMRA85M01H501Q', raw: 'RSSMRA85M01H5O1Q', corrected: true });
  });

  it('accepts an omocode (letters in digit positions) computed from the algorithm', () => {
    const first15 = 'BNCLRA90A41F2T5'; // T = 7 in position 14 (omocodia)
    const code = first15 + codiceFiscaleCheckChar(first15);
    expect(one(`CF ${code}`).taxCodes[0]?.value).toBe(code);
  });
});

describe('partita IVA', () => {
  it('validates the check digit', () => {
    // 0+4+8+1+0+0 = 13 on odd positions; doubled even positions 0,16→7,8,0,2 = 17; 30 ≡ 0 mod 10
    expect(isValidPartitaIva('00488410010')).toBe(true);
    expect(isValidPartitaIva('00488410011')).toBe(false);
    expect(isValidPartitaIva('00000000000')).toBe(false);
  });

  it('finds a labelled partita IVA and flags it as personal data', () => {
    const [v] = one('Ditta Edil Srl, P.IVA 00488410010, con sede').vatNumbers;
    expect(v).toMatchObject({ value: '00488410010', personal: true });
    expect(one('partita IVA n. 00488410011').vatNumbers).toEqual([]);
  });

  it('ignores an unlabelled 11-digit number', () => {
    expect(one('telefono 00488410010').vatNumbers).toEqual([]);
  });
});

describe('applicants', () => {
  it('reads the name after "Il sottoscritto" and flags it as personal', () => {
    const [a] = one('Il sottoscritto ROSSI MARIO nato a Roma il 01/08/1985').applicants;
    expect(a).toMatchObject({ value: 'Rossi Mario', personal: true, raw: 'Il sottoscritto ROSSI MARIO' });
  });
});

describe('extractEntities over several pages', () => {
  it('returns every kind with its page and a best pick', () => {
    const e = extractEntities([
      'PROTOCOLLO GENERALE N. 1234 DATA 12-03-1987\nOggetto: Pratica edilizia n. 123/1987',
      'immobile in Via Roma n. 12, foglio 12 mappale 345 sub 6. PE 123/1987',
    ]);
    expect(e.best.practiceRef?.value).toMatchObject({ prefix: 'PE', number: 123, year: 1987 });
    expect(e.best.practiceRef?.occurrences).toBe(2);
    expect(e.best.protocol?.value).toEqual({ number: 1234, date: '1987-03-12', year: 1987 });
    expect(e.best.address).toMatchObject({ page: 2, value: { street: 'Via Roma', civic: '12' } });
    expect(e.best.cadastral?.value).toEqual({ foglio: 12, mappale: 345, subalterno: 6 });
    expect(e.best.date?.value).toBe('1987-03-12');
  });
});

// Misses found by scripts/entity-eval.ts on generated documents, clean and OCR'd (issue 7).
describe('protocol of the document, not the protocols it cites', () => {
  it('prefers the register stamp to a protocol cited earlier in the text', () => {
    const e = one(
      'in riscontro alla Vostra nota prot. n. 2573 del 23/05/2013, trasmette\n' +
        'COMUNE DI CERRETO GUIDI\nPROTOCOLLO GENERALE\nN. 3136\nDEL 24/06/2013',
    );
    expect(e.protocols.map((p) => p.value.number)).toEqual([2573, 3136]);
    expect(e.best.protocol?.value).toEqual({ number: 3136, date: '2013-06-24', year: 2013 });
  });

  it("prefers the register stamp to the sender's own protocol heading", () => {
    const e = one('PREFETTURA DI MODENA\nProt. n. 5045/2010 Area I\n...\nPROTOCOLLO\nGENERALE\nN. 4063\n07/05/2010');
    expect(e.best.protocol?.value).toEqual({ number: 4063, date: '2010-05-07', year: 2010 });
  });

  it('takes a cited protocol when it is the only one', () => {
    expect(one('la domanda presentata in data 15/06/2005 con prot. n. 4150').best.protocol?.value.number).toBe(4150);
  });

  it('reads a stamp whose lines OCR returned out of order, heading damaged ("ROoTOCOLLO")', () => {
    const text = 'Marco Colombo\n\nN. 1213\nDEL 09/03/2006\n\nCOMUNE DI CERRETO GUIDI\nROoTOCOLLO GENERALE\n';
    const [p] = one(text).protocols;
    expect(p?.value).toEqual({ number: 1213, date: '2006-03-09', year: 2006 });
    expect(p?.raw).toBe('N. 1213\nDEL 09/03/2006');
  });

  it('does not read a numbered line far from any protocol heading as a stamp', () => {
    expect(one('N. 12 del 03/04/2001 copie conformi').protocols).toEqual([]);
  });
});

describe('practice of the document', () => {
  it('keys a titled act by the archive reference when the document gives both', () => {
    const e = one(
      'Pratica edilizia n. 347/2014\nPERMESSO DI COSTRUIRE N. 347/2014\n... il permesso di costruire n. 347/2014',
    );
    expect(e.best.practiceRef?.value).toEqual({
      prefix: 'PE',
      number: 347,
      year: 2014,
      procedureType: 'permesso_di_costruire',
    });
  });

  it('keeps the title prefix when there is no archive reference', () => {
    expect(one('CONCESSIONE EDILIZIA N. 74/1991').best.practiceRef?.value.prefix).toBe('CE');
  });
});

describe('applicants beyond "Il sottoscritto"', () => {
  it.each([
    [
      'La società Immobiliare San Marco S.r.l., in persona del legale rappresentante Mario Rossi',
      'Immobiliare San Marco S.r.l.',
    ],
    ['Il richiedente\nEdilnord S.p.A.', 'Edilnord S.p.A.'],
    ['Committente: Impresa Edile Fratelli Conti SRL', 'Impresa Edile Fratelli Conti S.r.l.'],
    ['Egregio Sig. Mario Bellini\nOGGETTO: richiesta', 'Mario Bellini'],
    ['Gentile Costruzioni Generali Padane S.a.s.\nOGGETTO', 'Costruzioni Generali Padane S.a.s.'],
    ['si invita Sig. Gianni Rizzo a presentare', 'Gianni Rizzo'],
    ['RILASCIA alla Sig.ra Rita Gallo la concessione', 'Rita Gallo'],
    ['presentata in data 28/03/1991, prot. n. 2753, da Rita Gallo, tendente ad ottenere', 'Rita Gallo'],
    ['Per ricevuta: Maria Pellegrini', 'Maria Pellegrini'],
    ['Autofficina Rinaldi S.n.c.\nVia Trento 15 – Castelnuovo Rangone', 'Autofficina Rinaldi S.n.c.'],
    ['PREFETTURA DI MODENA\nUfficio Territoriale del Governo', 'Prefettura di Modena'],
  ])('reads %j', (text, name) => {
    expect(one(text).best.applicant?.value).toBe(name);
  });

  it('reads "sottoscritto" whose article OCR garbled ("Til: ‘sottoscritto")', () => {
    expect(one('Til: ‘sottoscritto Sergio Bruno, nato a Milano').best.applicant?.value).toBe('Sergio Bruno');
    expect(one('Il sottoscritto autorizza il trattamento dei dati').applicants).toEqual([]);
  });

  it('reads "La sottoscrittà" (an accent OCR added) like "La sottoscritta"', () => {
    expect(one('La sottoscrittà Valeria Romano, nata a Perugia').best.applicant?.value).toBe('Valeria Romano');
  });

  it('prefers the declared applicant to the technician who signs for them', () => {
    const e = one(
      'Committente: Sergio Moretti\nIl sottoscritto Geom. Alberto De Santis, su incarico di Sergio Moretti, redige',
    );
    expect(e.applicants.map((a) => a.value)).toEqual(['Sergio Moretti', 'Alberto De Santis', 'Sergio Moretti']);
    expect(e.best.applicant?.value).toBe('Sergio Moretti');
  });

  it('prefers "Il sottoscritto" to a company merely named in the text', () => {
    const e = one('Il sottoscritto Marco Colombo, nato a Ferrara\nImpresa esecutrice: Residenze del Parco S.n.c.');
    expect(e.best.applicant?.value).toBe('Marco Colombo');
  });

  it('does not take offices, the mayor or a body below the first line for an applicant', () => {
    expect(one('Al Sig. Sindaco del Comune di Modena').applicants).toEqual([]);
    expect(one('Spett.le Comune di Castelnuovo Rangone').applicants).toEqual([]);
    expect(one('COMUNE DI CASTELNUOVO RANGONE\nProvincia di Modena').applicants).toEqual([]);
    expect(one('(Ing. Silvia Conti)').applicants).toEqual([]);
  });
});

// OCR damage seen on generated scans read by tesseract (scripts/entity-eval.ts --ocr), one test per pattern.
describe('OCR damage patterns', () => {
  it('reads "ll sottoscritto" ("Il" with a capital i read as two l) as "Il sottoscritto"', () => {
    expect(one('ll sottoscritto Bruno Conti, nato a Perugia').best.applicant?.value).toBe('Bruno Conti');
  });

  it.each([
    ['a speck before the number line', 'PROTOCOLLO GENERALE\n. N. 9050 DEL 21/07/1995\n', 9050, '1995-07-21'],
    ['a stray letter before the number line', 'PROTOCOLLO GENERALE\ni N. 11376\nDEL 21/12/2004\n', 11376, '2004-12-21'],
  ])('reads the register stamp with %s', (_what, text, number, date) => {
    expect(one(text).best.protocol?.value).toEqual({ number, date, year: Number(date.slice(0, 4)) });
  });

  it.each([
    ['a speck after the heading', 'PROTOCOLLO GENERALE i\n\nN. 4677\nDEL 14/04/2002\n', 4677, '2002-04-14'],
    ['a speck before "DEL"', 'PROTOCOLLO GENERALE\nN. 6460\n* DEL 16/09/1985\n', 6460, '1985-09-16'],
    ['two specks before "DEL"', 'PROTOCOLLO GENERALE\nN. 9743\n\nim DEL 01/11/1991\n', 9743, '1991-11-01'],
    ['a speck glued to "DEL"', 'PROTOCOLLO GENERALE\nN. 11404\n‘DEL 10/09/2004\n', 11404, '2004-09-10'],
    [
      'a stray letter before "DEL", lines out of order',
      'N. 4677\nI DEL 14/04/2002\n\nPROTOCOLLO GENERALE',
      4677,
      '2002-04-14',
    ],
  ])('reads the register stamp with %s, date included', (_what, text, number, date) => {
    expect(one(text).best.protocol?.value).toEqual({ number, date, year: Number(date.slice(0, 4)) });
  });

  it('needs "del" or "data" before a date that follows specks', () => {
    expect(one('prot. n. 4150 al 12/03/1987').protocols[0]?.value).toEqual({ number: 4150 });
  });

  it('reads a year OCR split after its first digit ("29/11/1 972")', () => {
    expect(one('nata a Catania il 29/11/1 972, in qualità').dates.map((d) => d.value)).toEqual(['1972-11-29']);
    expect(one('il 3 marzo 2 019').dates.map((d) => d.value)).toEqual(['2019-03-03']);
    expect(one('dal 12/03/20 15 giorni').dates.map((d) => d.value)).toEqual(['2020-03-12']);
  });

  it('reads a parcel word with a speck glued in front ("Mmappale")', () => {
    expect(one('distinto al foglio n. 1,\n. Mmappale n. 1008,').cadastral[0]?.value).toEqual({
      foglio: 1,
      mappale: 1008,
    });
  });

  it('repairs a dotted zero read as 6, 8 or 9 when the day or month is out of range', () => {
    expect(parseItalianDate('24/16/1917')).toEqual({ iso: '1917-10-24', corrected: true });
    expect(parseItalianDate('10/63/1971')).toEqual({ iso: '1971-03-10', corrected: true });
    expect(one('nato a Torino il 24/16/1917, in data 10/63/1971').dates.map((d) => d.value)).toEqual([
      '1917-10-24',
      '1971-03-10',
    ]);
  });

  it('re-reads only an out-of-range field, and only into a real date', () => {
    expect(parseItalianDate('29/02/2001')).toBeUndefined(); // in range, impossible together
    expect(parseItalianDate('12/13/2001')).toBeUndefined(); // no 6, 8 or 9 to read as 0
    expect(parseItalianDate('31/66/2001')).toBeUndefined(); // the only reading, 31/06, does not exist
    expect(parseItalianDate('19/86/2001')).toEqual({ iso: '2001-06-19', corrected: true }); // the in-range day stays
  });
});
