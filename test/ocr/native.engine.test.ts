// The native tesseract adapter (OCR_ENGINE=native) on rendered pages: accuracy, boxes, text PDF, limits, errors.
// Runs where the Debian tesseract-ocr and tesseract-ocr-ita packages are installed (scripts/ensure-deps.sh installs
// them for the tests); skipped, and says so, elsewhere.
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cer } from '../../src/ocr/cer.ts';
import { NativeTesseractEngine, parseTesseractTsv, probeNativeTesseract } from '../../src/ocr/native.engine.ts';
import {
  OcrConfigError,
  OcrEngineClosedError,
  OcrError,
  OcrTimeoutError,
  type OcrPageResult,
} from '../../src/ocr/ocr-engine.ts';
import { preparePageImage } from '../../src/ocr/page-image.ts';
import { extractPdfText } from '../../src/ocr/pdf-text.ts';
import { ITALIAN_SAMPLE_TEXT, renderTextPage, type RenderedPage } from '../helpers/render-text-page.ts';

const info = await probeNativeTesseract();
const usable = !!info && info.languages.includes('ita');
if (!usable) console.warn('native tesseract with ita not installed: native engine tests skipped');

describe('parseTesseractTsv', () => {
  it('keeps level-5 rows with text, with boxes and clamped confidences', () => {
    const tsv = [
      'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext',
      '1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t',
      '5\t1\t1\t1\t1\t1\t100\t200\t50\t20\t96.5\tComune',
      '5\t1\t1\t1\t1\t2\t160\t200\t30\t20\t-1\t ',
      '5\t1\t1\t1\t1\t3\t200\t200\t40\t20\t88\tdi',
    ].join('\n');
    expect(parseTesseractTsv(tsv)).toEqual([
      { text: 'Comune', confidence: 96.5, bbox: { x0: 100, y0: 200, x1: 150, y1: 220 } },
      { text: 'di', confidence: 88, bbox: { x0: 200, y0: 200, x1: 240, y1: 220 } },
    ]);
  });
});

describe.skipIf(!usable)('NativeTesseractEngine on a rendered Italian page', () => {
  let engine: NativeTesseractEngine;
  let page: RenderedPage;
  let result: OcrPageResult;
  let dpi: number;

  beforeAll(async () => {
    engine = new NativeTesseractEngine({ processes: 2 });
    page = await renderTextPage({ text: ITALIAN_SAMPLE_TEXT, fitHeight: true, skewDeg: 1.5, noise: 0.002, seed: 7 });
    const prepared = await preparePageImage(page.image);
    dpi = prepared.dpi;
    result = await engine.recognise(prepared.ocrImage, { dpi });
  });
  afterAll(() => engine.close());

  it('recognises the skewed page with CER < 3% and names the engine', () => {
    expect(cer(page.lines.join('\n'), result.text)).toBeLessThan(0.03);
    expect(result.confidence).toBeGreaterThan(70);
    expect(result.engine).toMatchObject({ name: 'tesseract', version: info!.version, languages: 'ita' });
  });

  it('gives words with boxes inside the image, in reading order', () => {
    expect(result.widthPx).toBe(page.widthPx);
    expect(result.heightPx).toBe(page.heightPx);
    expect(result.words.length).toBeGreaterThan(150);
    for (const w of result.words) {
      expect(w.bbox.x0).toBeGreaterThanOrEqual(0);
      expect(w.bbox.x1).toBeLessThanOrEqual(page.widthPx);
      expect(w.bbox.y1).toBeLessThanOrEqual(page.heightPx);
      expect(w.bbox.x1).toBeGreaterThan(w.bbox.x0);
    }
    expect(
      result.words
        .slice(0, 3)
        .map((w) => w.text)
        .join(' '),
    ).toBe(page.lines[0]!.split(/\s+/).slice(0, 3).join(' '));
  });

  it('returns a one-page text-only PDF sized for the image at its dpi, whose text a PDF reader finds', async () => {
    const doc = await PDFDocument.load(result.textPdf);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getPage(0).getWidth()).toBeCloseTo((page.widthPx / dpi) * 72, 0);
    expect(result.textPdf.length).toBeLessThan(80_000); // text only, no image
    const [text] = await extractPdfText(result.textPdf);
    expect(cer(page.lines.join('\n'), text!)).toBeLessThan(0.05);
  });

  it('queues pages beyond `processes` and serves every one', async () => {
    const small = (await renderTextPage({ text: 'Comune di Modena\nUfficio tecnico', widthMm: 120, fitHeight: true }))
      .image;
    const one = new NativeTesseractEngine({ processes: 1 });
    try {
      const results = await Promise.all([1, 2, 3].map(() => one.recognise(small, { dpi: 300 })));
      for (const r of results) expect(r.text).toContain('Modena');
    } finally {
      await one.close();
    }
  });

  it('kills a page over the time limit with OcrTimeoutError and keeps working', async () => {
    const slow = new NativeTesseractEngine({ processes: 1, pageTimeoutMs: 50 });
    try {
      await expect(slow.recognise(page.image, { dpi })).rejects.toBeInstanceOf(OcrTimeoutError);
    } finally {
      await slow.close();
    }
    await expect(slow.recognise(page.image)).rejects.toBeInstanceOf(OcrEngineClosedError);
  });

  it('rejects unreadable images, unknown languages and a missing binary with clear errors', async () => {
    await expect(engine.recognise(Buffer.from('not an image'))).rejects.toBeInstanceOf(OcrError);
    await expect(engine.recognise(Buffer.alloc(0))).rejects.toThrow(/empty image/);
    const klingon = new NativeTesseractEngine({ processes: 1, languages: 'tlh' });
    await expect(klingon.recognise(page.image)).rejects.toThrow(/tesseract-ocr-tlh/);
    const missing = new NativeTesseractEngine({ processes: 1, binary: '/nonexistent/tesseract' });
    await expect(missing.recognise(page.image)).rejects.toBeInstanceOf(OcrConfigError);
  });
});
