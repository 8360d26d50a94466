// Small text pages and a multi-page TIFF of them, for the rescan tests: a page to replace and its new scan.
import sharp from 'sharp';
import { renderTextPage } from './render-text-page.ts';

/** A small page (120 × 40 mm, 300 DPI) with `text` in 14 pt: quick to recognise, big enough to read reliably. */
export const smallTextPage = (text: string): Promise<Buffer> =>
  renderTextPage({ text, widthMm: 120, heightMm: 40, marginMm: 8, fontSizePt: 14 }).then((r) => r.image);

/** Pages of the same size as one bilevel multi-page TIFF at 300 DPI. */
export async function tiffOf(pages: Buffer[]): Promise<Buffer> {
  const meta = await sharp(pages[0]).metadata();
  const greys = await Promise.all(pages.map((p) => sharp(p).toColourspace('b-w').raw().toBuffer()));
  return sharp(Buffer.concat(greys), {
    raw: { width: meta.width!, height: meta.height! * pages.length, channels: 1, pageHeight: meta.height! },
  })
    .withDensity(300)
    .tiff({ compression: 'lzw' })
    .toBuffer();
}
