// Paper inventory import against a real SQLite paper store: CSV (UTF-8 with BOM, ';') and Excel fixtures with
// deliberately bad rows, a Windows-1252 CSV, and a re-import that updates what the first one inserted.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { suggestMapping } from '../../src/paper/inventory-fields.ts';
import { importInventory, previewInventory } from '../../src/paper/inventory-import.service.ts';
import { decodeText, detectDelimiter, readInventoryFile } from '../../src/paper/inventory-read.ts';
import { problemsCsv } from '../../src/paper/inventory-report.ts';
import { SqlitePaperStore } from '../../src/paper/sqlite.paper-store.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';
import { xlsxOf } from './xlsx-writer.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/inventory');
const fixture = (name: string) => readFile(path.join(FIXTURES, name));
const NOW = new Date('2025-06-01T10:00:00Z');

describe('inventory import', () => {
  let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
  let store: SqlitePaperStore;
  beforeEach(async () => {
    tmp = await makeTmpDir('faldone-inventory-');
    store = new SqlitePaperStore(path.join(tmp.dir, 'faldone.db'));
  });
  afterEach(async () => {
    await store.close();
    await tmp.cleanup();
  });

  it('previews a CSV: columns, first rows and the mapping suggested from Italian headers', async () => {
    const preview = await previewInventory(await fixture('inventario-lugo.csv'), 'inventario-lugo.csv');
    expect(preview.rows).toBe(11);
    expect(preview.columns[0]).toBe('Tipo pratica'); // BOM gone
    expect(preview.sample).toHaveLength(10); // the empty row is not a sample
    expect(preview.sample[1]).toEqual([
      'PDC',
      '45',
      '2003',
      'Niccolò Bianchi',
      'P.zza Mazzini',
      '1/A',
      '5',
      '77',
      '',
      'Municipio',
      'Archivio 1',
      'S2',
      'B30',
      'con tavole',
    ]);
    expect(preview.mapping).toEqual({
      practice: null,
      procedureType: 'Tipo pratica',
      number: 'Numero',
      year: 'Anno',
      applicant: 'Richiedente',
      address: 'Via',
      civic: 'Civico',
      foglio: 'Foglio',
      mappale: 'Mappale',
      subalterno: 'Sub',
      building: 'Edificio',
      room: 'Stanza',
      shelf: 'Scaffale',
      box: 'Faldone',
      notes: 'Note',
      expectedPages: null,
    });
  });

  it('imports the pages a practice holds from a "pagine", "fogli" or "consistenza" column, warning on an unreadable one', async () => {
    for (const header of ['N. pagine', 'Fogli', 'Consistenza', 'Pages']) {
      expect(suggestMapping(['Pratica', 'Numero', header]).expectedPages, header).toBe(header);
    }
    expect(suggestMapping(['Tipo', 'Numero', 'Anno', 'Numero pagine'])).toMatchObject({
      number: 'Numero',
      expectedPages: 'Numero pagine',
    });
    const csv = [
      'Pratica;Faldone;Consistenza',
      'PE 1/1980;B1;45',
      'PE 2/1980;B1;ff. 12',
      'PE 3/1980;B2;molte',
      'PE 4/1980;B2;',
    ];
    const data = Buffer.from(csv.join('\r\n'), 'utf8');
    const preview = await previewInventory(data, 'consistenza.csv');
    expect(preview.mapping.expectedPages).toBe('Consistenza');
    const report = await importInventory(store, {
      data,
      filename: 'consistenza.csv',
      comune: 'E730',
      mapping: preview.mapping,
      importedBy: 'u-archivist',
      now: NOW,
    });
    expect(report).toMatchObject({ inserted: 4, rejected: 0 });
    expect(report.problems.map((p) => [p.row, p.severity, p.column, p.value])).toEqual([
      [3, 'warning', 'expectedPages', 'molte'],
    ]);
    const pages = async (key: string) => (await store.getInventoryByKey('E730', key))?.expectedPages;
    expect([
      await pages('PE 1/1980'),
      await pages('PE 2/1980'),
      await pages('PE 3/1980'),
      await pages('PE 4/1980'),
    ]).toEqual([45, 12, undefined, undefined]);
  });

  it('imports a CSV: good rows inserted, each bad row reported with its number and reason', async () => {
    const data = await fixture('inventario-lugo.csv');
    const preview = await previewInventory(data, 'inventario-lugo.csv');
    const report = await importInventory(store, {
      data,
      filename: 'inventario-lugo.csv',
      comune: 'E730',
      mapping: preview.mapping,
      importedBy: 'u-archivist',
      now: NOW,
    });
    expect(report).toMatchObject({ comune: 'E730', rows: 11, inserted: 5, updated: 0, rejected: 5 });
    expect(report.inserted + report.updated + report.rejected).toBe(report.rows - 1); // one empty row
    const errors = report.problems.filter((p) => p.severity === 'error').map((p) => [p.row, p.column, p.message]);
    expect(errors).toEqual([
      [3, 'number', 'Numero mancante'],
      [4, 'year', 'Anno mancante'],
      [7, 'number', 'Pratica ripetuta nel file: già alla riga 1'],
      [9, 'number', 'Numero non valido'],
      [10, 'year', 'Anno non valido'],
    ]);
    expect(report.problems.find((p) => p.row === 9)?.value).toBe('abc');
    const warnings = report.problems.filter((p) => p.severity === 'warning').map((p) => [p.row, p.column, p.value]);
    expect(warnings).toEqual([
      [6, 'procedureType', 'XYZ'],
      [6, 'foglio', 'A12'],
    ]);
    expect(await store.getImport(report.id)).toEqual(report);

    const { total, records } = await store.searchInventory({ comuni: ['E730'] });
    expect(total).toBe(5);
    expect(records.map((r) => [r.practiceKey, r.sourceRow])).toEqual([
      ['PDC 45/2003', 2],
      ['XYZ 7/1995', 6],
      ['CE 88/1987', 8],
      ['PE 123/1987', 1],
      ['LE 3/1962', 11],
    ]);
    const pdc = records[0]!;
    expect(pdc).toMatchObject({
      procedureType: 'PDC',
      number: 45,
      year: 2003,
      applicant: 'Niccolò Bianchi',
      address: 'P.zza Mazzini 1/A',
      addressKey: 'piazza mazzini 1a',
      foglio: 5,
      mappale: 77,
      parcelKey: '5/77',
      location: { building: 'Municipio', room: 'Archivio 1', shelf: 'S2', box: 'B30' },
      notes: 'con tavole',
      state: 'paper',
      importId: report.id,
    });
    const xyz = records[1]!;
    expect(xyz.foglio).toBeUndefined();
    expect(xyz.mappale).toBe(33);
    expect(records[4]!.notes).toBe('nota; con punto e virgola');
    // Found by the words people type, accents or not.
    expect((await store.searchInventory({ q: 'niccolo mazzini' })).records.map((r) => r.practiceKey)).toEqual([
      'PDC 45/2003',
    ]);

    const csv = problemsCsv(report.problems);
    const lines = csv
      .replace(/^\ufeff/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('riga;campo;gravità;messaggio;valore');
    expect(lines).toContain('9;Numero;errore;Numero non valido;abc');
    expect(lines).toContain('6;Foglio;avviso;Foglio non numerico: campo lasciato vuoto;A12');
    expect(lines).toHaveLength(1 + report.problems.length);
  });

  it('imports an Excel file with the whole practice in one column', async () => {
    const data = await fixture('inventario-bagnacavallo.xlsx');
    const preview = await previewInventory(data, 'inventario-bagnacavallo.xlsx');
    expect(preview.rows).toBe(8);
    expect(preview.mapping).toMatchObject({
      practice: 'N. pratica',
      number: null,
      applicant: 'Intestatario',
      address: 'Indirizzo',
      foglio: 'Foglio',
      mappale: 'Particella',
      subalterno: 'Sub',
      building: 'Sede',
      room: 'Locale',
      shelf: 'Scaffale',
      box: 'Busta',
      notes: 'Note',
    });
    const report = await importInventory(store, {
      data,
      filename: 'inventario-bagnacavallo.xlsx',
      comune: 'A547',
      mapping: preview.mapping,
      importedBy: 'u-archivist',
      now: NOW,
    });
    expect(report).toMatchObject({ rows: 8, inserted: 3, updated: 0, rejected: 4 });
    expect(report.problems.map((p) => [p.row, p.severity, p.column, p.message])).toEqual([
      [3, 'error', 'practice', 'Pratica non riconosciuta (atteso ad es. "PE 123/1987")'],
      [4, 'error', 'practice', 'Pratica mancante'],
      [6, 'warning', 'foglio', 'Foglio non numerico: campo lasciato vuoto'],
      [7, 'error', 'practice', 'Pratica ripetuta nel file: già alla riga 1'],
      [8, 'error', 'practice', 'Anno nel futuro: 2099'],
    ]);
    const pe = (await store.getInventoryByKey('A547', 'PE 10/1980'))!;
    expect(pe).toMatchObject({
      applicant: 'Rossi Mario',
      addressKey: 'via roma 5',
      foglio: 3,
      mappale: 10,
      subalterno: 1,
      parcelKey: '3/10',
      location: { building: 'Municipio', room: 'Archivio', shelf: 'A', box: '1' },
      sourceRow: 1,
    });
    expect((await store.getInventoryByKey('A547', 'PDC 22/2005'))?.address).toBe('Piazza della Libertà 2');
  });

  it('re-importing updates the records, keeping their digitisation state', async () => {
    const header = ['N. pratica', 'Intestatario', 'Busta'];
    const first = await xlsxOf([header, ['PE 1/2000', 'Primo', 'B1'], ['PE 2/2000', 'Secondo', 'B2']]);
    const mapping = { practice: 'N. pratica', applicant: 'Intestatario', box: 'Busta' };
    const input = { filename: 'a.xlsx', comune: 'E730', mapping, importedBy: 'u-1', now: NOW };
    const r1 = await importInventory(store, { ...input, data: first });
    expect(r1).toMatchObject({ inserted: 2, updated: 0, rejected: 0, problems: [] });
    await store.setInventoryState('E730', 'PE 1/2000', 'archived', { pages: 9 });

    const second = await xlsxOf([header, ['PE 1/2000', 'Primo (rettificato)', 'B9'], ['PE 3/2000', 'Terzo', 'B3']]);
    const r2 = await importInventory(store, { ...input, data: second });
    expect(r2).toMatchObject({ inserted: 1, updated: 1, rejected: 0 });
    const pe1 = (await store.getInventoryByKey('E730', 'PE 1/2000'))!;
    expect(pe1).toMatchObject({
      applicant: 'Primo (rettificato)',
      location: { box: 'B9' },
      state: 'archived',
      pages: 9,
    });
    expect(pe1.importId).toBe(r2.id);
    expect((await store.searchInventory({ comuni: ['E730'] })).total).toBe(3);
    expect((await store.listImports()).map((i) => i.id).sort()).toEqual([r1.id, r2.id].sort());
  });

  it('reads Windows-1252 CSV with commas and quoted fields', async () => {
    const data = await fixture('inventario-windows1252.csv');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(data)).toThrow();
    const table = await readInventoryFile(data, 'inventario-windows1252.csv');
    expect(table.columns).toEqual(['N. pratica', 'Intestatario', 'Indirizzo', 'Faldone']);
    expect(table.rows).toEqual([
      ['PE 1/1999', 'Società Cooperativa Città', 'Via Libertà 3', 'Busta 1'],
      ['PE 2/1999', 'Niccolò Fabbri', 'Via Roma, 7', 'Busta 2'],
    ]);
    const report = await importInventory(store, {
      data,
      filename: 'inventario-windows1252.csv',
      comune: 'E730',
      mapping: suggestMapping(table.columns, table.rows),
      importedBy: 'u-1',
      now: NOW,
    });
    expect(report).toMatchObject({ rows: 2, inserted: 2, rejected: 0 });
    expect((await store.getInventoryByKey('E730', 'PE 2/1999'))?.addressKey).toBe('via roma 7');
  });

  it('refuses a mapping naming a missing column or not identifying the practice, before writing anything', async () => {
    const data = Buffer.from('Numero;Anno\n1;2000\n');
    await expect(
      importInventory(store, {
        data,
        filename: 'x.csv',
        comune: 'E730',
        mapping: { number: 'Numero', year: 'Anno' },
        importedBy: 'u',
      }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('tipo di procedimento') });
    await expect(
      importInventory(store, {
        data,
        filename: 'x.csv',
        comune: 'E730',
        mapping: { practice: 'Pratica' },
        importedBy: 'u',
      }),
    ).rejects.toMatchObject({ statusCode: 400, message: "Colonna non presente nel file: 'Pratica'" });
    expect(await store.listImports()).toEqual([]);
  });

  it('detects delimiters and encodings, and refuses the old .xls format', async () => {
    expect(detectDelimiter('a;b;"c,d"\n1;2;3')).toBe(';');
    expect(detectDelimiter('a,b,c\n')).toBe(',');
    expect(detectDelimiter('a\tb\tc\n')).toBe('\t');
    expect(decodeText(Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0xc3, 0xa0]))).toBe('aà');
    expect(decodeText(Buffer.from([0x61, 0xe0]))).toBe('aà');
    await expect(readInventoryFile(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0]), 'vecchio.xls')).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(readInventoryFile(Buffer.from('\n\n'), 'vuoto.csv')).rejects.toThrow('Il file è vuoto');
  });
});
