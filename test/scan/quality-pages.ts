// Generated scans with one quality defect each, for the page quality tests: the sample generator's practice pages
// (box-scan.ts) made darker, lighter, skewed, shifted off the sheet or scanned at a low resolution.
import sharp, { type Sharp } from 'sharp';
import { blankPage, contentPage, pagePng, type BoxPage } from './box-scan.ts';

export type Defect = 'clean' | 'low-dpi' | 'blank' | 'dark' | 'light' | 'skew' | 'cut-edge';

async function raw(s: Sharp): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await s.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

const pipe = (p: BoxPage) => sharp(p.data, { raw: { width: p.width, height: p.height, channels: 1 } });

/** A grey page at 300 DPI (150 for 'low-dpi') carrying the defect. */
export async function defectPage(defect: Defect, seed = 11): Promise<BoxPage> {
  if (defect === 'low-dpi') return contentPage(seed, 150);
  if (defect === 'blank') return blankPage(seed, 300, { specks: 40 });
  const p = await contentPage(seed, 300);
  if (defect === 'clean') return p;
  if (defect === 'dark') return { ...p, ...(await raw(pipe(p).linear(0.5, 0))) }; // paper ~120
  if (defect === 'light') return { ...p, ...(await raw(pipe(p).linear(0.3, 180))) }; // ink ~180, paper ~250
  if (defect === 'skew') {
    const r = await raw(pipe(p).rotate(4, { background: { r: 240, g: 240, b: 240 } }));
    const left = Math.floor((r.width - p.width) / 2);
    const top = Math.floor((r.height - p.height) / 2);
    return {
      ...p,
      ...(await raw(
        sharp(r.data, { raw: { ...r, channels: 1 } }).extract({ left, top, width: p.width, height: p.height }),
      )),
    };
  }
  // cut-edge: the sheet lay 40 mm too far left on the glass: the start of every line is outside the scan.
  const shift = Math.round((40 / 25.4) * p.dpi);
  const moved = await raw(
    pipe(p)
      .extract({ left: shift, top: 0, width: p.width - shift, height: p.height })
      .extend({ right: shift, background: { r: 240, g: 240, b: 240 } }),
  );
  return { ...p, ...moved };
}

/** The page as a PNG file carrying its resolution (or none, with `noDpi`). */
export async function defectPng(defect: Defect, seed = 11, opts: { noDpi?: boolean } = {}): Promise<Buffer> {
  const p = await defectPage(defect, seed);
  if (opts.noDpi) return pipe(p).png({ compressionLevel: 1 }).toBuffer();
  return pagePng(p);
}
