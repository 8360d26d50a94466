// Rendering and file formats: pixels, pages, density, reproducibility.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groundTruthSchema, type GroundTruth } from '../../src/domain/ground-truth.ts';
import {
  generateCorpus,
  pickMunicipality,
  renderDocument,
  type DocumentSpec,
  type RenderedDocument,
} from '../../src/samples/generate.ts';
import { hashSeed } from '../../src/samples/random.ts';

const W = 2480;
const H = 3508;
const m = pickMunicipality(3);
const spec = (id: string, extra: Partial<DocumentSpec>): DocumentSpec => ({
  id,
  seed: hashSeed(99, id),
  kind: 'practice',
  municipality: m,
  ...extra,
});

const SPECS: DocumentSpec[] = [
  spec('pe-0001', { documentType: 'relazione_tecnica', format: 'tiff', pages: 2, mode: 'bilevel' }),
  spec('pe-0002', { documentType: 'domanda', procedureType: 'permesso_di_costruire', format: 'pdf', pages: 2 }),
  spec('pr-0001', { kind: 'protocol', letterKind: 'esposto_rumori', format: 'jpeg' }),
  spec('pr-0002', { kind: 'protocol', letterKind: 'fattura_fornitore', format: 'png', mode: 'bilevel' }),
  spec('pe-0003', { documentType: 'titolo_rilasciato', format: 'tiff', pages: 2, mode: 'grey', tiffCompression: 'jpeg' }),
];

describe('rendered sample documents', () => {
  let docs: RenderedDocument[];
  beforeAll(async () => {
    docs = [];
    for (const s of SPECS) docs.push(await renderDocument(s));
  });
  const doc = (id: string) => docs.find((d) => d.groundTruth.id === id)!;

  it('rendering the same spec again gives byte-identical files and ground truth', async () => {
    for (const s of SPECS.slice(0, 4)) {
      const again = await renderDocument(s);
      const first = doc(s.id);
      expect(again.groundTruth).toEqual(first.groundTruth);
      expect(again.data.equals(first.data), `${s.id} bytes`).toBe(true);
    }
  });

  it('a multi-page TIFF reads back with one 2480×3508 page at 300 DPI per ground-truth page', async () => {
    for (const id of ['pe-0001', 'pe-0003']) {
      const d = doc(id);
      const meta = await sharp(d.data).metadata();
      expect(meta.format).toBe('tiff');
      expect(meta.pages).toBe(d.groundTruth.pages.length);
      expect(meta.pages).toBe(2);
      expect(meta.density).toBe(300);
      for (let page = 0; page < meta.pages!; page++) {
        const p = await sharp(d.data, { page }).metadata();
        expect([p.width, p.height]).toEqual([W, H]);
      }
    }
    expect((await sharp(doc('pe-0001').data).metadata()).bitsPerSample).toBe(1);
  });

  it('the PDF has one A4 page per ground-truth page, each showing one 2480×3508 image and no text', async () => {
    const d = doc('pe-0002');
    const pdf = await PDFDocument.load(d.data);
    expect(pdf.getPageCount()).toBe(d.groundTruth.pages.length);
    expect(pdf.getPageCount()).toBe(2);
    for (const page of pdf.getPages()) {
      const { width, height } = page.getSize();
      expect(width).toBeCloseTo(595.28, 1);
      expect(height).toBeCloseTo(841.89, 1);
      const xobjects = page.node.Resources()!.lookup(PDFName.of('XObject')) as unknown as { keys(): PDFName[]; lookup(k: PDFName): unknown };
      const images = xobjects.keys().map((k) => xobjects.lookup(k) as PDFRawStream);
      expect(images).toHaveLength(1);
      const dict = images[0]!.dict;
      expect(dict.get(PDFName.of('Subtype'))).toBe(PDFName.of('Image'));
      expect(Number(dict.get(PDFName.of('Width'))!.toString())).toBe(W);
      expect(Number(dict.get(PDFName.of('Height'))!.toString())).toBe(H);
      const fonts = page.node.Resources()!.lookupMaybe(PDFName.of('Font'), PDFDict);
      expect(fonts?.keys() ?? []).toHaveLength(0); // no font, so no text layer
    }
  });

  it('JPEG and PNG pages are 2480×3508 grey at 300 DPI', async () => {
    for (const id of ['pr-0001', 'pr-0002']) {
      const meta = await sharp(doc(id).data).metadata();
      expect([meta.width, meta.height, meta.density]).toEqual([W, H, 300]);
      expect(meta.format).toBe(id === 'pr-0001' ? 'jpeg' : 'png');
    }
    expect((await sharp(doc('pr-0001').data).metadata()).channels).toBe(1);
  });

  it('pages look scanned: paper tone, dark ink, and not a blank page', async () => {
    const stats = await sharp(doc('pr-0001').data).stats();
    const ch = stats.channels[0]!;
    expect(ch.max).toBeGreaterThan(200);
    expect(ch.min).toBeLessThan(60);
    expect(ch.mean).toBeGreaterThan(200);
    expect(ch.mean).toBeLessThan(252);
  });
});

describe('generateCorpus', () => {
  let dir: string;
  let truths: GroundTruth[];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faldone-samples-'));
    truths = await generateCorpus({ seed: 3, outDir: dir, practiceDocs: 2, protocolLetters: 2, formats: ['jpeg', 'tiff'] });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes each file with its ground-truth JSON and a corpus.json listing them all', () => {
    expect(truths).toHaveLength(4);
    expect(truths.filter((t) => t.kind === 'practice')).toHaveLength(2);
    const corpus = JSON.parse(readFileSync(path.join(dir, 'corpus.json'), 'utf8')) as unknown[];
    expect(corpus).toEqual(truths);
    for (const gt of truths) {
      expect(['jpeg', 'tiff']).toContain(gt.format);
      expect(existsSync(path.join(dir, gt.file))).toBe(true);
      const own = groundTruthSchema.parse(JSON.parse(readFileSync(path.join(dir, `${gt.id}.json`), 'utf8')));
      expect(own).toEqual(gt);
    }
    expect(readdirSync(dir).sort()).toEqual(
      ['corpus.json', ...truths.flatMap((t) => [t.file, `${t.id}.json`])].sort(),
    );
  });
});
