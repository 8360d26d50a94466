// Real tesseract.js on rendered pages: accuracy, word boxes, timeouts, crashes, recycling, languages, close.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cer } from '../../src/ocr/cer.ts';
import { preparePageImage } from '../../src/ocr/page-image.ts';
import {
  OcrConfigError,
  OcrEngineClosedError,
  OcrTimeoutError,
  OcrWorkerCrashedError,
} from '../../src/ocr/ocr-engine.ts';
import {
  createTesseractEngine,
  resolveLangData,
  unrotateBox,
  type TesseractEngine,
  type TesseractPageResult,
} from '../../src/ocr/tesseract.engine.ts';
import { ITALIAN_SAMPLE_TEXT, renderTextPage, type RenderedPage } from '../helpers/render-text-page.ts';

const SMALL_TEXT = 'Comune di Modena\nUfficio tecnico comunale';

async function smallPage(text = SMALL_TEXT) {
  const page = await renderTextPage({ text, widthMm: 120, fitHeight: true, marginMm: 10 });
  return (await preparePageImage(page.image)).ocrImage;
}

describe('TesseractEngine on a rendered Italian page', () => {
  let engine: TesseractEngine;
  let page: RenderedPage;
  let result: TesseractPageResult;

  beforeAll(async () => {
    engine = createTesseractEngine({ workers: 1 });
    // A skewed, noisy scan: exercises the median filter and tesseract's own deskew (page preparation would
    // straighten the page first, so its deskew is off here).
    page = await renderTextPage({ text: ITALIAN_SAMPLE_TEXT, fitHeight: true, skewDeg: 1.5, noise: 0.002, seed: 7 });
    const prepared = await preparePageImage(page.image, { cleanup: { deskew: false } });
    result = await engine.recognise(prepared.ocrImage, { dpi: prepared.dpi });
  });
  afterAll(() => engine.close());

  it('recognises the text with CER < 3%', () => {
    const c = cer(page.lines.join('\n'), result.text);
    expect(c).toBeLessThan(0.03);
    expect(result.confidence).toBeGreaterThan(70);
    expect(result.engine).toMatchObject({ name: 'tesseract.js', languages: 'ita' });
    expect(result.engine.version).toMatch(/^7\./);
    expect(result.durationMs).toBeGreaterThan(0);
    expect(Math.abs(result.deskewRadians)).toBeGreaterThan(0.01); // 1.5° was detected and corrected
  });

  it('returns words with confidences and boxes inside the image, in the input image frame', () => {
    expect(result.widthPx).toBe(page.widthPx);
    expect(result.heightPx).toBe(page.heightPx);
    expect(result.words.length).toBeGreaterThan(150);
    for (const w of result.words) {
      expect(w.text.trim()).not.toBe('');
      expect(w.confidence).toBeGreaterThanOrEqual(0);
      expect(w.confidence).toBeLessThanOrEqual(100);
      expect(w.bbox.x0).toBeGreaterThanOrEqual(0);
      expect(w.bbox.y0).toBeGreaterThanOrEqual(0);
      expect(w.bbox.x1).toBeLessThanOrEqual(page.widthPx);
      expect(w.bbox.y1).toBeLessThanOrEqual(page.heightPx);
      expect(w.bbox.x1).toBeGreaterThan(w.bbox.x0);
      expect(w.bbox.y1).toBeGreaterThan(w.bbox.y0);
    }
    const words = result.words.map((w) => w.text).join(' ');
    expect(cer(result.text, words)).toBeLessThan(0.01);
    // The page was rotated 1.5° clockwise about its centre: the first word ("Al", top left at 20 mm margins) moved
    // right and up. Its box must be where it is in the input image, not in tesseract's deskewed copy.
    const first = result.words[0]!;
    const margin = (20 / 25.4) * 300;
    const cx = page.widthPx / 2;
    const cy = page.heightPx / 2;
    const t = (1.5 * Math.PI) / 180;
    const expectedX = cx + (margin - cx) * Math.cos(t) - (margin - cy) * Math.sin(t);
    expect(first.text).toBe('Al');
    expect(Math.abs(first.bbox.x0 - expectedX)).toBeLessThan(15);
  });

  it('returns a one-page text-only PDF sized for the image at the given dpi', async () => {
    const { PDFDocument } = await import('pdf-lib');
    const doc = await PDFDocument.load(result.textPdf);
    expect(doc.getPageCount()).toBe(1);
    const { width, height } = doc.getPage(0).getSize();
    expect(width).toBeCloseTo((page.widthPx / 300) * 72, 0);
    expect(height).toBeCloseTo((page.heightPx / 300) * 72, 0);
    expect(result.textPdf.length).toBeLessThan(60_000); // no image inside
  });
});

describe('TesseractEngine pool behaviour', () => {
  it('rejects a page over the time limit with OcrTimeoutError, replaces the worker and keeps working', async () => {
    // A full A4 page at 400 dpi takes ~6 s here (≥3 s on a much faster CPU); the small page ~0.3 s (~1 s under load).
    const engine = createTesseractEngine({ workers: 1, pageTimeoutMs: 2000 });
    try {
      const big = await renderTextPage({
        text: `${ITALIAN_SAMPLE_TEXT}\n\n${ITALIAN_SAMPLE_TEXT}`,
        dpi: 400,
        fontSizePt: 10,
      });
      const t0 = Date.now();
      await expect(engine.recognise(big.image, { dpi: 400 })).rejects.toBeInstanceOf(OcrTimeoutError);
      expect(Date.now() - t0).toBeLessThan(2000 + 5000); // includes creating the worker
      const r = await engine.recognise(await smallPage());
      expect(cer(SMALL_TEXT, r.text)).toBeLessThan(0.05);
      expect(engine.stats).toMatchObject({ timeouts: 1, pages: 1, workersCreated: 2 });
    } finally {
      await engine.close();
    }
  });

  it('rejects the running page with OcrWorkerCrashedError when its thread dies, then recovers', async () => {
    const engine = createTesseractEngine({ workers: 1 });
    try {
      const img = await smallPage();
      await engine.recognise(img); // the worker exists now
      const big = await renderTextPage({ text: ITALIAN_SAMPLE_TEXT, fitHeight: true });
      const pending = engine.recognise(big.image);
      await new Promise((r) => setTimeout(r, 300));
      // Kill the worker thread from outside, as an out-of-memory abort would.
      const slot = (engine as unknown as { slots: Array<{ worker?: { worker?: { terminate(): Promise<number> } } }> })
        .slots[0]!;
      await slot.worker!.worker!.terminate();
      await expect(pending).rejects.toBeInstanceOf(OcrWorkerCrashedError);
      const r = await engine.recognise(img);
      expect(cer(SMALL_TEXT, r.text)).toBeLessThan(0.05);
      expect(engine.stats.crashes).toBe(1);
    } finally {
      await engine.close();
    }
  });

  it('recycles workers after N pages and serves concurrent pages on several workers', async () => {
    const engine = createTesseractEngine({ workers: 2, recycleAfterPages: 2 });
    try {
      const texts = [
        'Pratica edilizia numero 123',
        'Permesso di costruire',
        'Concessione in sanatoria',
        'Certificato di agibilità',
        'Relazione tecnica',
        'Planimetria catastale',
      ];
      const images = await Promise.all(texts.map((t) => smallPage(t)));
      const results = await Promise.all(images.map((img) => engine.recognise(img)));
      results.forEach((r, i) => expect(cer(texts[i]!, r.text)).toBeLessThan(0.1));
      const stats = engine.stats;
      expect(stats.pages).toBe(6);
      // 6 pages on 2 workers that retire after 2 pages each: 2 or 3 retirements depending on scheduling.
      expect(stats.recycled).toBeGreaterThanOrEqual(2);
      expect(stats.workersCreated).toBeGreaterThanOrEqual(2 + stats.recycled - 1);
    } finally {
      await engine.close();
    }
  });

  it('close() rejects queued pages and later calls with OcrEngineClosedError', async () => {
    const engine = createTesseractEngine({ workers: 1 });
    const img = await smallPage();
    const a = engine.recognise(img);
    const b = engine.recognise(img);
    const settled = Promise.allSettled([a, b]);
    await engine.close();
    const [ra, rb] = await settled;
    expect(ra).toMatchObject({ status: 'rejected', reason: expect.any(OcrEngineClosedError) });
    expect(rb).toMatchObject({ status: 'rejected', reason: expect.any(OcrEngineClosedError) });
    await expect(engine.recognise(img)).rejects.toBeInstanceOf(OcrEngineClosedError);
  });

  it('rejects an unreadable image without breaking the worker; a blank page gives no words', async () => {
    const engine = createTesseractEngine({ workers: 1 });
    try {
      await expect(engine.recognise(Buffer.from('not an image'))).rejects.toThrow(/unreadable image/);
      const r = await engine.recognise(await smallPage());
      expect(cer(SMALL_TEXT, r.text)).toBeLessThan(0.05);
      const blank = await sharp({ create: { width: 1240, height: 1754, channels: 3, background: '#fff' } })
        .png()
        .toBuffer();
      const b = await engine.recognise(blank, { dpi: 150 });
      expect(b).toMatchObject({ text: '', words: [], confidence: 0, widthPx: 1240, heightPx: 1754 });
      const { PDFDocument } = await import('pdf-lib');
      expect((await PDFDocument.load(b.textPdf)).getPage(0).getWidth()).toBeCloseTo((1240 / 150) * 72, 0);
    } finally {
      await engine.close();
    }
  });
});

describe('language data', () => {
  it('uses the local packages; several languages get one folder of symlinks', async () => {
    expect(resolveLangData('ita').langPath).toMatch(/@tesseract\.js-data\/ita\/4\.0\.0_best_int$/);
    const both = resolveLangData('ita+eng');
    expect(both.langPath).not.toMatch(/node_modules/);
    const engine = createTesseractEngine({ workers: 1, languages: 'ita+eng' });
    try {
      const r = await engine.recognise(await smallPage('The building permit\nIl permesso di costruire'));
      expect(r.engine.languages).toBe('ita+eng');
      expect(cer('The building permit\nIl permesso di costruire', r.text)).toBeLessThan(0.05);
    } finally {
      await engine.close();
    }
  });

  it('refuses unknown or malformed languages at construction', () => {
    expect(() => createTesseractEngine({ workers: 1, languages: 'xyz' })).toThrow(OcrConfigError);
    expect(() => createTesseractEngine({ workers: 1, languages: '../ita' })).toThrow(OcrConfigError);
    expect(() => createTesseractEngine({ workers: 0 })).toThrow(OcrConfigError);
    expect(() => createTesseractEngine({ workers: 1, langPath: '/nonexistent' })).toThrow(OcrConfigError);
  });
});

describe('unrotateBox', () => {
  it('is the identity without rotation and maps a rotated box back', () => {
    const b = { x0: 10, y0: 20, x1: 30, y1: 40 };
    expect(unrotateBox(b, 0, 100, 100)).toEqual(b);
    // a box at the centre stays centred
    const c = unrotateBox({ x0: 40, y0: 45, x1: 60, y1: 55 }, 0.05, 100, 100);
    expect((c.x0 + c.x1) / 2).toBeCloseTo(50, 0);
    expect((c.y0 + c.y1) / 2).toBeCloseTo(50, 0);
  });
});
