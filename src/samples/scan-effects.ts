// What makes a clean rendering look scanned: skew, paper tone, ink variation, speckle, punched holes, sensor noise,
// softness, and for bilevel scans a threshold. The look is drawn once per document from its seeded generator.
import sharp from 'sharp';
import { PAGE_H, PAGE_W } from './layout.page.ts';
import type { Rng } from './random.ts';

export type ImageMode = 'grey' | 'bilevel';

export interface ScanLook {
  mode: ImageMode;
  skewDeg: number; // signed; |skew| in [0.3, 1.5]
  paper: number; // background grey level
  ink: number; // text grey level
  inkJitter: number; // per-line ink variation (grey levels)
  typeStroke: number; // extra stroke width for typewriter text (ink spread)
  stampInk: number;
  stampAngle: number;
  noiseSigma: number;
  texture: number; // amplitude of low-frequency paper blotches
  blur: number; // scanner softness (0 = none)
  speckles: number; // dust dots per page
  threshold: number; // bilevel cut
  holes: boolean; // two punched holes in the left margin
  edgeShadow: boolean; // dark band at the left edge (book or folder scans)
}

export function randomScanLook(rng: Rng, mode: ImageMode, year: number): ScanLook {
  const old = year < 1990;
  const skew = rng.float(0.3, 1.5) * (rng.chance(0.5) ? 1 : -1);
  return {
    mode,
    skewDeg: Math.round(skew * 100) / 100,
    paper: old ? rng.int(226, 244) : rng.int(238, 252),
    ink: old ? rng.int(25, 55) : rng.int(8, 30),
    inkJitter: old ? rng.int(8, 22) : rng.int(0, 6),
    typeStroke: Math.round(rng.float(2, 2.8) * 10) / 10,
    stampInk: rng.int(55, 95),
    stampAngle: Math.round(rng.float(-5, 5) * 10) / 10,
    noiseSigma: Math.round(rng.float(1, 3) * 10) / 10,
    texture: old ? rng.int(2, 6) : rng.int(0, 3),
    blur: rng.chance(0.6) ? Math.round(rng.float(0.5, 0.8) * 10) / 10 : 0,
    speckles: rng.int(20, 140),
    threshold: rng.int(150, 175),
    holes: rng.chance(0.3),
    edgeShadow: rng.chance(0.2),
  };
}

/** SVG elements of dust and speckle, drawn over the page (outside the skewed group: dust lies on the glass). */
export function speckleSvg(rng: Rng, look: ScanLook): string {
  const parts: string[] = [];
  for (let i = 0; i < look.speckles; i++) {
    const x = rng.int(20, PAGE_W - 20);
    const y = rng.int(20, PAGE_H - 20);
    const r = rng.chance(0.85) ? rng.float(0.7, 1.8) : rng.float(1.8, 3.5);
    const shade = rng.int(30, 140);
    parts.push(`<circle cx="${x}" cy="${y}" r="${r.toFixed(1)}" fill="${grey(shade)}"/>`);
  }
  if (look.edgeShadow) {
    parts.push(
      `<defs><linearGradient id="edge" x1="0" x2="1" y1="0" y2="0"><stop offset="0" stop-color="${grey(70)}"/>` +
        `<stop offset="1" stop-color="${grey(look.paper)}" stop-opacity="0"/></linearGradient></defs>` +
        `<rect x="0" y="0" width="${rng.int(40, 90)}" height="${PAGE_H}" fill="url(#edge)"/>`,
    );
  }
  return parts.join('');
}

export function grey(level: number): string {
  const v = Math.max(0, Math.min(255, Math.round(level)));
  const h = v.toString(16).padStart(2, '0');
  return `#${h}${h}${h}`;
}

/** Rasterises the page SVG to 8-bit grey, 2480×3508, with the scanner's softness. */
export async function rasterise(svg: string, look: ScanLook): Promise<Buffer> {
  let img = sharp(Buffer.from(svg), { limitInputPixels: PAGE_W * PAGE_H * 2 })
    .flatten({ background: '#ffffff' })
    .toColourspace('b-w');
  if (look.blur > 0) img = img.blur(look.blur);
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  if (info.width !== PAGE_W || info.height !== PAGE_H || info.channels !== 1) {
    throw new Error(`unexpected raster ${info.width}x${info.height}x${info.channels}`);
  }
  return data;
}

/**
 * Adds paper texture and sensor noise in place (seeded), then thresholds bilevel looks to 0/255.
 * `seed` must come from the document's generator so the output is reproducible.
 */
export async function applyNoise(pixels: Buffer, look: ScanLook, seed: number): Promise<Buffer> {
  let texture: Buffer | undefined;
  let state = (seed >>> 0) || 0x9e3779b9;
  const next = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  if (look.texture > 0) {
    const sw = Math.ceil(PAGE_W / 48);
    const sh = Math.ceil(PAGE_H / 48);
    const small = Buffer.alloc(sw * sh);
    for (let i = 0; i < small.length; i++) small[i] = 128 + Math.round(((next() & 0xffff) / 65535 - 0.5) * 2 * look.texture);
    texture = await sharp(small, { raw: { width: sw, height: sh, channels: 1 } })
      .resize(PAGE_W, PAGE_H, { kernel: 'cubic' })
      .toColourspace('b-w')
      .raw()
      .toBuffer();
  }
  // sum of two uniforms ≈ triangular noise with standard deviation sigma
  const amp = look.noiseSigma * 2.449;
  const n = pixels.length;
  for (let i = 0; i < n; i++) {
    const r = next();
    const u = ((r & 0xffff) + (r >>> 16)) / 65535 - 1; // in [-1, 1]
    let v = (pixels[i] as number) + u * amp;
    if (texture) v += (texture[i] as number) - 128;
    pixels[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  if (look.mode === 'bilevel') {
    const t = look.threshold;
    for (let i = 0; i < n; i++) pixels[i] = (pixels[i] as number) < t ? 0 : 255;
  }
  return pixels;
}
