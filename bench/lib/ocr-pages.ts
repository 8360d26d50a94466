// The OCR bench's page set: single-page PNG scans with their ground truth (<name>.gt.txt, the format
// scripts/ocr-eval.ts reads), cut from generated TIFF documents (grey and bilevel, skewed, noisy, typewriter and modern
// fonts as the sample generator draws them); a share of the pages is turned 90° or 180° as a careless scan would be.
// Also pages.pdf: every page as an image at its resolution, the input OCRmyPDF gets. Cached under
// .tmp/ocr-bench-<seed>-<pages>/.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { planCorpus, renderDocument } from '../../src/samples/generate.ts';
import { Rng, hashSeed } from '../../src/samples/random.ts';

export interface BenchPage {
  file: string; // page-0001.png
  dpi: number;
  rotated: 0 | 90 | 180 | 270;
  text: string; // ground truth
}

export interface OcrPageSet {
  dir: string;
  pages: BenchPage[];
  pdf: string; // path of pages.pdf
  reused: boolean;
}

export async function ensureOcrPageSet(opts: {
  root: string;
  seed: number;
  pages: number;
  /** Share of pages turned by 90° (either way) and by 180°. Default 0.1 each. */
  rotatedShare?: number;
  onProgress?: (done: number, total: number) => void;
}): Promise<OcrPageSet> {
  const share = opts.rotatedShare ?? 0.1;
  const dir = path.join(opts.root, '.tmp', `ocr-bench-${opts.seed}-${opts.pages}-${share}`);
  const list = path.join(dir, 'pages.json');
  if (existsSync(list)) {
    return {
      dir,
      pages: JSON.parse(await readFile(list, 'utf8')) as BenchPage[],
      pdf: path.join(dir, 'pages.pdf'),
      reused: true,
    };
  }
  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const specs = planCorpus({
    seed: opts.seed,
    practiceDocs: opts.pages,
    protocolLetters: Math.ceil(opts.pages / 2),
    formats: ['tiff'],
  });
  const rng = new Rng(hashSeed(opts.seed, 'ocr-bench-rotation'));
  const pages: BenchPage[] = [];
  const pdf = await PDFDocument.create({ updateMetadata: false });
  for (const spec of specs) {
    if (pages.length >= opts.pages) break;
    const doc = await renderDocument({ ...spec, pages: 1 });
    const meta = await sharp(doc.data).metadata();
    for (let p = 0; p < (meta.pages ?? 1) && pages.length < opts.pages; p++) {
      const r = rng.next();
      const rotated: BenchPage['rotated'] = r < share / 2 ? 90 : r < share ? 270 : r < 2 * share ? 180 : 0;
      const dpi = Math.round(meta.density ?? 300);
      const png = await sharp(doc.data, { page: p }).rotate(rotated).withMetadata({ density: dpi }).png().toBuffer();
      const file = `page-${String(pages.length + 1).padStart(4, '0')}.png`;
      const text = doc.groundTruth.pages[p]!.text;
      await writeFile(path.join(partial, file), png);
      await writeFile(path.join(partial, file.replace(/\.png$/, '.gt.txt')), text);
      pages.push({ file, dpi, rotated, text });
      const img = await pdf.embedPng(png);
      const page = pdf.addPage([(img.width / dpi) * 72, (img.height / dpi) * 72]);
      page.drawImage(img, { x: 0, y: 0, width: page.getWidth(), height: page.getHeight() });
      opts.onProgress?.(pages.length, opts.pages);
    }
  }
  await writeFile(path.join(partial, 'pages.pdf'), await pdf.save());
  await writeFile(path.join(partial, 'pages.json'), JSON.stringify(pages, null, 1));
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
  return { dir, pages, pdf: path.join(dir, 'pages.pdf'), reused: false };
}
