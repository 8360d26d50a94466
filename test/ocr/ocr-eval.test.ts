// OCR evaluation of a folder: real tesseract.js on rendered pages, ground truth as plain text and ALTO; the CLI.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editCounts, evaluateFolder, type FolderEvaluation } from '../../src/ocr/ocr-eval.ts';
import { createTesseractEngine } from '../../src/ocr/tesseract.engine.ts';
import { renderTextPage } from '../helpers/render-text-page.ts';

const A = 'Comune di Castelfranco Emilia\nUfficio tecnico comunale\nPratica edilizia n. 123/1987';
const B = "Oggetto: richiesta di accesso agli atti\nper l'immobile di via Roma 12";

describe('evaluateFolder', () => {
  let dir: string;
  let result: FolderEvaluation;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faldone-ocreval-'));
    const a = await renderTextPage({ text: A, widthMm: 150, fitHeight: true, seed: 1 });
    const b = await renderTextPage({ text: B, widthMm: 150, fitHeight: true, seed: 2, skewDeg: 1 });
    await writeFile(path.join(dir, 'a.png'), a.image);
    await writeFile(path.join(dir, 'a.gt.txt'), A);
    await writeFile(path.join(dir, 'b.png'), b.image);
    const alto = B.split('\n')
      .map(
        (l) =>
          `<TextLine>${l
            .split(' ')
            .map((w) => `<String CONTENT="${w.replace(/'/g, '&apos;')}"/>`)
            .join('<SP/>')}</TextLine>`,
      )
      .join('');
    await writeFile(
      path.join(dir, 'b.xml'),
      `<alto><Layout><Page><PrintSpace><TextBlock>${alto}</TextBlock></PrintSpace></Page></Layout></alto>`,
    );
    await writeFile(path.join(dir, 'c.png'), a.image); // no ground truth
    await writeFile(path.join(dir, 'wrong.png'), a.image);
    await writeFile(path.join(dir, 'wrong.txt'), B); // ground truth of another page
    const engine = createTesseractEngine({ workers: 2 });
    try {
      result = await evaluateFolder(dir, engine, { concurrency: 2 });
    } finally {
      await engine.close();
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('scores each page with ground truth and skips the others', () => {
    expect(result.pages.map((p) => [p.file, p.groundTruth])).toEqual([
      ['a.png', 'text'],
      ['b.png', 'alto'],
      ['wrong.png', 'text'],
    ]);
    expect(result.skipped).toEqual(['c.png']);
    const [a, b, wrong] = result.pages;
    expect(a!.cer).toBeLessThan(0.03);
    expect(b!.cer).toBeLessThan(0.03);
    expect(b!.wer).toBeLessThan(0.2);
    expect(wrong!.cer).toBeGreaterThan(0.5);
  });

  it('totals edits over reference length, not the mean of page rates', () => {
    const t = result.total;
    expect(t.refChars).toBe(result.pages.reduce((s, p) => s + p.refChars, 0));
    expect(t.cer).toBeCloseTo(t.charEdits / t.refChars, 10);
    expect(t.wer).toBeCloseTo(t.wordEdits / t.refWords, 10);
  });

  it('edit counts fold typographic punctuation and whitespace', () => {
    expect(editCounts('l’immobile  “bello”', 'l\'immobile "bello"')).toEqual({
      refChars: 18,
      charEdits: 0,
      refWords: 2,
      wordEdits: 0,
    });
    expect(editCounts('Modena', 'Madena')).toMatchObject({ charEdits: 1, wordEdits: 1 });
  });

  it('the CLI prints the table and fails on --max-cer', () => {
    const run = (...args: string[]) =>
      spawnSync('npx', ['tsx', 'scripts/ocr-eval.ts', dir, '--workers', '1', ...args], {
        encoding: 'utf8',
        cwd: process.cwd(),
      });
    const bad = run('--max-cer', '0.05');
    expect(bad.stdout).toMatch(/TOTAL/);
    expect(bad.stdout).toMatch(/wrong\.png/);
    expect(bad.status).toBe(1);
  });
});
