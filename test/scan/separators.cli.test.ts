// scripts/separators.ts as a real child process: a practice list CSV in, a PDF of separator sheets out.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractPdfText } from '../../src/ocr/pdf-text.ts';
import { readSeparator } from '../../src/scan/separator.reader.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';
import { renderPdfPages, simulateScan } from './scan-simulation.ts';

const run = promisify(execFile);
const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/separators.ts');
const cli = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { cwd: path.resolve(import.meta.dirname, '../..') });

let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
beforeAll(async () => {
  tmp = await makeTmpDir('faldone-separators-');
});
afterAll(() => tmp.cleanup());

describe('separators CLI', () => {
  it('prints a practice sheet and its document-type sheets for each CSV row, practice numbers normalised', async () => {
    const csv = path.join(tmp.dir, 'pratiche.csv');
    await writeFile(
      csv,
      'Comune;Pratica;Procedimento;Collocazione\nSiena;P.E. n. 123/87;Permesso di costruire;Scaffale 3, faldone 12\nCantù;SCIA 45/2019;scia;\n',
    );
    const out = path.join(tmp.dir, 'separatori.pdf');
    const { stdout } = await cli(['--csv', csv, '--types', 'elaborato_grafico', '--out', out, '--date', '2025-03-14']);
    expect(stdout).toContain('Stampati 4 fogli separatori');
    expect(stdout).toContain('2 di pratica, 2 di tipo documento, 0 generici');
    const pdf = await readFile(out);
    const text = await extractPdfText(pdf);
    expect(text).toHaveLength(4);
    expect(text[0]).toContain('PRATICA PE 123/1987');
    expect(text[0]).toContain('Procedimento: Permesso di costruire');
    expect(text[0]).toContain('Collocazione: Scaffale 3, faldone 12');
    expect(text[1]).toContain('ELABORATO GRAFICO');
    expect(text[1]).toContain('Pratica: PE 123/1987');
    expect(text[2]).toContain('Comune: Cantù');
    // The printed code carries the normalised practice.
    const [page] = await renderPdfPages(pdf, 200, [2]);
    const reading = await readSeparator(await simulateScan(page!, { dpi: 200, mode: 'bilevel', skewDeg: 1 }));
    expect(reading.payload).toEqual({ kind: 'document-type', tipo: 'elaborato_grafico', pratica: 'PE 123/1987' });
  });

  it('refuses the whole list, with the line of each error, when a row is invalid', async () => {
    const csv = path.join(tmp.dir, 'errata.csv');
    await writeFile(csv, 'comune,pratica,procedimento\nSiena,PE 1/1990,sanatoria edilizia\n,boh,\n');
    const out = path.join(tmp.dir, 'errata.pdf');
    const err = await cli(['--csv', csv, '--out', out]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain('riga 2: procedimento "sanatoria edilizia" sconosciuto');
    expect(err?.stderr).toContain('riga 3: numero di pratica "boh" non riconosciuto');
    expect(err?.stderr).toContain('riga 3: comune mancante');
    await expect(readFile(out)).rejects.toThrow(/ENOENT/);
  });

  it('prints reusable document-type sheets and generic sheets without a practice', async () => {
    const out = path.join(tmp.dir, 'tipi.pdf');
    const { stdout } = await cli([
      '--types',
      'relazione_tecnica,parere',
      '--copies',
      '2',
      '--generic',
      '1',
      '--out',
      out,
    ]);
    expect(stdout).toContain('Stampati 5 fogli separatori');
    const text = await extractPdfText(await readFile(out));
    expect(text.map((t) => /RELAZIONE TECNICA|PARERE|NUOVO DOCUMENTO/.exec(t)?.[0])).toEqual([
      'RELAZIONE TECNICA',
      'RELAZIONE TECNICA',
      'PARERE',
      'PARERE',
      'NUOVO DOCUMENTO',
    ]);
  });
});
