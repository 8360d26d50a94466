// A minimal .xlsx writer for tests (one sheet, inline strings and numbers), so that Excel fixtures can be rebuilt
// from readable rows: `npx tsx test/paper/xlsx-writer.ts` rewrites test/fixtures/inventory/inventario-bagnacavallo.xlsx.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';

export type XlsxCell = string | number | null;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function columnName(i: number): string {
  let n = i + 1;
  let name = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    name = String.fromCharCode(65 + r) + name;
    n = Math.floor((n - 1) / 26);
  }
  return name;
}

function sheetXml(rows: readonly (readonly XlsxCell[])[]): string {
  const body = rows
    .map((row, r) => {
      const cells = row
        .map((v, c) => {
          const ref = `${columnName(c)}${r + 1}`;
          if (v === null || v === '') return '';
          if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
          return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${esc(v)}</t></is></c>`;
        })
        .join('');
      return cells ? `<row r="${r + 1}">${cells}</row>` : '';
    })
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
    `<sheetData>${body}</sheetData></worksheet>`
  );
}

const PARTS = {
  '[Content_Types].xml':
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
    '</Types>',
  '_rels/.rels':
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
    '</Relationships>',
  'xl/workbook.xml':
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
    '<sheets><sheet name="Inventario" sheetId="1" r:id="rId1"/></sheets></workbook>',
  'xl/_rels/workbook.xml.rels':
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
    '</Relationships>',
};

/** The bytes of an .xlsx holding `rows` (row 1 = header) in its only sheet. */
export function xlsxOf(rows: readonly (readonly XlsxCell[])[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, xml] of Object.entries(PARTS)) zip.addBuffer(Buffer.from(xml), name);
  zip.addBuffer(Buffer.from(sheetXml(rows)), 'xl/worksheets/sheet1.xml');
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** Rows of the Bagnacavallo fixture: good rows and deliberately bad ones (see inventory-import.test.ts). */
export const BAGNACAVALLO_ROWS: XlsxCell[][] = [
  [
    'N. pratica',
    'Intestatario',
    'Indirizzo',
    'Foglio',
    'Particella',
    'Sub',
    'Sede',
    'Locale',
    'Scaffale',
    'Busta',
    'Note',
  ],
  ['PE 10/1980', 'Rossi Mario', 'Via Roma 5', 3, 10, 1, 'Municipio', 'Archivio', 'A', 1, null],
  [
    'P.d.C. n. 22/2005',
    'Bianchi Lucia',
    'Piazza della Libertà 2',
    4,
    20,
    null,
    'Municipio',
    'Archivio',
    'B',
    7,
    'tavole a parte',
  ],
  ['pratica 33', 'Neri Paolo', 'Via Mazzini 1', null, null, null, 'Municipio', 'Archivio', 'B', 8, null],
  [null, 'Senza numero', 'Via Mazzini 2', null, null, null, null, null, null, null, null],
  [null, null, null, null, null, null, null, null, null, null, null],
  ['SCIA 5/2012', 'Verdi Anna', 'Via Mazzini 3', '12bis', 7, null, 'Magazzino', 'Piano terra', 'C', 2, null],
  ['PE 10/1980', 'Rossi Mario (copia)', 'Via Roma 5', 3, 10, null, 'Municipio', 'Archivio', 'A', 1, null],
  ['CILA 1/2099', 'Futuro Srl', 'Via Roma 9', null, null, null, null, null, null, null, null],
];

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = path.join(
    path.dirname(fileURLToPath(import.meta.url)),
    '../fixtures/inventory/inventario-bagnacavallo.xlsx',
  );
  await writeFile(out, await xlsxOf(BAGNACAVALLO_ROWS));
  console.log(`written ${out}`);
}
