// The committed fixture set (test/fixtures/samples): small, valid, what the generator makes, readable by OCR.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import Tesseract from 'tesseract.js';
import { describe, expect, it } from 'vitest';
import { groundTruthSchema, type GroundTruth } from '../../src/domain/ground-truth.ts';
import { fixtureSpecs, FIXTURE_DIR_RELATIVE } from '../../src/samples/fixtures.ts';
import { missingFonts } from '../../src/samples/fonts.ts';
import { composeDocument, renderDocument } from '../../src/samples/generate.ts';

const DIR = path.resolve(FIXTURE_DIR_RELATIVE);
const corpus = (): GroundTruth[] =>
  (JSON.parse(readFileSync(path.join(DIR, 'corpus.json'), 'utf8')) as unknown[]).map((r) => groundTruthSchema.parse(r));

/** Levenshtein distance over code points / reference length, whitespace runs collapsed, dashes folded. */
function cer(expected: string, actual: string): number {
  const norm = (s: string) => [...s.normalize('NFC').replace(/[\u2010-\u2015]/g, '-').replace(/\s+/g, ' ').trim()];
  const a = norm(expected);
  const b = norm(actual);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1), prev[j]! + 1, cur[j - 1]! + 1);
    }
    prev = cur;
  }
  return prev[b.length]! / a.length;
}

describe('committed sample fixtures', () => {
  it('the fixture folder is well under 5 MB', () => {
    const total = readdirSync(DIR).reduce((sum, f) => sum + statSync(path.join(DIR, f)).size, 0);
    expect(total).toBeLessThan(5 * 1024 * 1024);
  });

  it('corpus.json lists every fixture; each matches the schema, its own JSON and its file', async () => {
    const truths = corpus();
    expect(truths.map((t) => t.id)).toEqual(fixtureSpecs().map((s) => s.id));
    for (const gt of truths) {
      expect(groundTruthSchema.parse(JSON.parse(readFileSync(path.join(DIR, `${gt.id}.json`), 'utf8')))).toEqual(gt);
      const file = readFileSync(path.join(DIR, gt.file));
      if (gt.format === 'pdf') {
        expect((await PDFDocument.load(file)).getPageCount()).toBe(gt.pages.length);
      } else {
        const meta = await sharp(file).metadata();
        expect(meta.format).toBe(gt.format);
        expect(meta.pages ?? 1).toBe(gt.pages.length);
        expect([meta.width, meta.height, meta.density]).toEqual([2480, 3508, 300]);
      }
    }
  });

  it('cover a 2-page TIFF and a 2-page PDF practice document, a JPEG letter, and a non-building letter', () => {
    const truths = corpus();
    expect(truths.some((t) => t.format === 'tiff' && t.kind === 'practice' && t.pages.length === 2)).toBe(true);
    expect(truths.some((t) => t.format === 'pdf' && t.kind === 'practice' && t.pages.length === 2)).toBe(true);
    expect(truths.some((t) => t.format === 'jpeg' && t.kind === 'protocol' && t.pages.length === 1)).toBe(true);
    expect(truths.some((t) => t.kind === 'protocol' && t.office !== 'edilizia-privata')).toBe(true);
  });

  it('the ground truth is what the generator composes today (fixtures are not stale)', () => {
    const truths = corpus();
    for (const s of fixtureSpecs()) {
      expect(composeDocument(s).groundTruth, s.id).toEqual(truths.find((t) => t.id === s.id));
    }
  });

  it.skipIf(missingFonts().length > 0)('regenerating a fixture gives the committed bytes', async () => {
    const s = fixtureSpecs().find((f) => f.id === 'pr-0003')!;
    const doc = await renderDocument(s);
    expect(doc.data.equals(readFileSync(path.join(DIR, doc.groundTruth.file)))).toBe(true);
  });

  it('tesseract reads the JPEG protocol letter with a character error rate under 5%', async () => {
    const gt = corpus().find((t) => t.format === 'jpeg')!;
    const worker = await Tesseract.createWorker('ita', Tesseract.OEM.LSTM_ONLY, {
      langPath: path.resolve('node_modules/@tesseract.js-data/ita/4.0.0'),
      cacheMethod: 'none',
      gzip: true,
    });
    try {
      await worker.setParameters({ tessedit_pageseg_mode: Tesseract.PSM.AUTO });
      const { data } = await worker.recognize(path.join(DIR, gt.file), { rotateAuto: true });
      const rate = cer(gt.pages[0]!.text, data.text);
      console.log(`OCR sanity: ${gt.file} CER ${(rate * 100).toFixed(2)}%`);
      expect(rate).toBeLessThan(0.05);
    } finally {
      await worker.terminate();
    }
  });
});
