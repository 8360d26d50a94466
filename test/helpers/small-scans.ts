// Small scans for fault tests: short unique texts on small pages, so OCR costs a fraction of an A4 page while every
// step of the pipeline still runs for real. Single-page PNGs and multi-page TIFFs.
import sharp from 'sharp';
import { renderTextPage } from './render-text-page.ts';

const WORDS = [
  'pratica',
  'edilizia',
  'permesso',
  'costruire',
  'relazione',
  'tecnica',
  'sopralluogo',
  'agibilità',
  'variante',
  'progetto',
];

async function page(id: string, n: number): Promise<Buffer> {
  const words = Array.from({ length: 6 }, (_, i) => WORDS[(n * 7 + i * 3) % WORDS.length]).join(' ');
  const r = await renderTextPage({
    text: `Documento ${id} pagina ${n}\n${words}`,
    widthMm: 110,
    heightMm: 35,
    marginMm: 8,
    fontSizePt: 12,
  });
  return r.image;
}

export async function smallPng(id: string): Promise<Buffer> {
  return page(id, 1);
}

export async function smallTiff(id: string, pages: number): Promise<Buffer> {
  const raws = await Promise.all(Array.from({ length: pages }, (_, i) => page(id, i + 1)));
  const meta = await sharp(raws[0]).metadata();
  const greys = await Promise.all(raws.map((r) => sharp(r).toColourspace('b-w').raw().toBuffer()));
  return sharp(Buffer.concat(greys), {
    raw: { width: meta.width!, height: meta.height! * pages, channels: 1, pageHeight: meta.height! },
  })
    .withDensity(300)
    .tiff({ compression: 'lzw' })
    .toBuffer();
}
