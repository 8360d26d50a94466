// Renders a synthetic scanned text page with sharp (SVG text through librsvg + fontconfig), for OCR tests and benches.
// Deterministic: the same options give the same pixels (seeded noise).
import { execFileSync } from 'node:child_process';
import sharp from 'sharp';

export interface RenderTextPageOptions {
  /** Text to render; wrapped at `maxCharsPerLine`. Paragraphs are separated by blank lines. */
  text: string;
  dpi?: number; // default 300
  widthMm?: number; // default 210 (A4)
  heightMm?: number; // default 297 (A4); 'auto' fits the text
  fitHeight?: boolean; // crop the page to the text block (plus margins): faster OCR in tests
  fontFamily?: string; // default 'DejaVu Serif'; checked against fc-list
  fontSizePt?: number; // default 12
  marginMm?: number; // default 20
  maxCharsPerLine?: number; // default computed from width and font size
  lineSpacing?: number; // default 1.5
  skewDeg?: number; // rotate the page by this many degrees (white background), default 0
  /** Fraction of pixels turned to salt/pepper noise, e.g. 0.002. Default 0. */
  noise?: number;
  seed?: number;
  format?: 'png' | 'jpeg';
  /** Write the density into the file (default true). */
  withDensity?: boolean;
}

export interface RenderedPage {
  image: Buffer;
  widthPx: number;
  heightPx: number;
  dpi: number;
  /** The text exactly as laid out: lines joined with '\n', paragraphs with '\n\n'. */
  lines: string[];
}

const fontCache = new Map<string, boolean>();

/** True if fontconfig knows this family (otherwise librsvg silently falls back to another font). */
export function fontExists(family: string): boolean {
  let ok = fontCache.get(family);
  if (ok === undefined) {
    try {
      const out = execFileSync('fc-list', [':', 'family'], { encoding: 'utf8' });
      ok = out.split('\n').some((l) => l.split(',').some((f) => f.trim() === family));
    } catch {
      ok = false;
    }
    fontCache.set(family, ok);
  }
  return ok;
}

export function wrapText(text: string, maxChars: number): string[] {
  const out: string[] = [];
  const paragraphs = text.split(/\n\s*\n/);
  paragraphs.forEach((p, i) => {
    if (i > 0) out.push('');
    let line = '';
    for (const word of p.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > maxChars) {
        out.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    if (line) out.push(line);
  });
  return out;
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** mulberry32: a tiny seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function renderTextPage(opts: RenderTextPageOptions): Promise<RenderedPage> {
  const dpi = opts.dpi ?? 300;
  const family = opts.fontFamily ?? 'DejaVu Serif';
  if (!fontExists(family)) throw new Error(`font family not installed (fc-list): ${family}`);
  const pxPerMm = dpi / 25.4;
  const widthPx = Math.round((opts.widthMm ?? 210) * pxPerMm);
  const margin = Math.round((opts.marginMm ?? 20) * pxPerMm);
  const fontPx = ((opts.fontSizePt ?? 12) * dpi) / 72;
  const lineHeight = fontPx * (opts.lineSpacing ?? 1.5);
  // DejaVu Serif averages ~0.55 em per character on Italian prose; stay a little under the margin.
  const maxChars = opts.maxCharsPerLine ?? Math.floor((widthPx - 2 * margin) / (fontPx * 0.58));
  const lines = wrapText(opts.text, maxChars);
  const textHeight = Math.ceil(lines.length * lineHeight);
  const heightPx = opts.fitHeight
    ? textHeight + 2 * margin
    : Math.round((opts.heightMm ?? 297) * pxPerMm);
  if (textHeight + 2 * margin > heightPx) throw new Error(`text does not fit: ${lines.length} lines`);

  const tspans = lines
    .map((l, i) =>
      l ? `<text x="${margin}" y="${(margin + fontPx + i * lineHeight).toFixed(1)}">${xmlEscape(l)}</text>` : '',
    )
    .join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}">` +
    `<rect width="100%" height="100%" fill="#fff"/>` +
    `<g font-family="${xmlEscape(family)}" font-size="${fontPx.toFixed(2)}" fill="#111">${tspans}</g></svg>`;

  let grey = await sharp(Buffer.from(svg), { density: 72 }).greyscale().raw().toBuffer({ resolveWithObject: true });
  let pixels = grey.data;
  let w = grey.info.width;
  let h = grey.info.height;

  if (opts.skewDeg) {
    const r = await sharp(pixels, { raw: { width: w, height: h, channels: 1 } })
      .rotate(opts.skewDeg, { background: '#ffffff' })
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    // keep the page size: crop the centre back to the original box
    const left = Math.floor((r.info.width - w) / 2);
    const top = Math.floor((r.info.height - h) / 2);
    grey = await sharp(r.data, { raw: { width: r.info.width, height: r.info.height, channels: 1 } })
      .extract({ left, top, width: w, height: h })
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    pixels = grey.data;
    w = grey.info.width;
    h = grey.info.height;
  }

  if (opts.noise && opts.noise > 0) {
    const rand = prng(opts.seed ?? 42);
    const n = Math.round(w * h * opts.noise);
    pixels = Buffer.from(pixels);
    for (let i = 0; i < n; i++) {
      const idx = Math.floor(rand() * w * h);
      pixels[idx] = rand() < 0.5 ? 0 : 255;
    }
  }

  let img = sharp(pixels, { raw: { width: w, height: h, channels: 1 } });
  if (opts.withDensity !== false) img = img.withMetadata({ density: dpi });
  const image = opts.format === 'jpeg' ? await img.jpeg({ quality: 90 }).toBuffer() : await img.png().toBuffer();
  return { image, widthPx: w, heightPx: h, dpi, lines };
}

/** Italian building-practice prose for OCR tests (accents, apostrophes, numbers, abbreviations). */
export const ITALIAN_SAMPLE_TEXT = [
  'Al Signor Sindaco del Comune di Castelfranco Emilia, Ufficio Tecnico, Settore Edilizia Privata.',
  '',
  'Oggetto: domanda di permesso di costruire per la ristrutturazione di un fabbricato ad uso civile abitazione sito in via Giuseppe Garibaldi n. 14, censito al Catasto Fabbricati al foglio 23, mappale 145, subalterni 2 e 3.',
  '',
  "Il sottoscritto Mario Rossi, nato a Modena il 12/03/1961 e residente in via Emilia Est n. 208, in qualità di proprietario dell'immobile, chiede il rilascio del titolo abilitativo per le opere descritte nella relazione tecnica allegata, redatta dal geometra Luca Bianchi, iscritto al Collegio dei Geometri della provincia al numero 1874.",
  '',
  "Le opere consistono nella demolizione e ricostruzione del solaio di copertura, nel rifacimento degli impianti e nella realizzazione di un nuovo servizio igienico al piano terra. L'intervento non comporta aumento di volume né modifica della sagoma; è conforme al piano regolatore vigente ed alle norme igienico sanitarie. Si allegano la documentazione fotografica, gli elaborati grafici in scala 1:100 e la ricevuta del versamento dei diritti di segreteria di euro 51,65.",
  '',
  'Distinti saluti. Castelfranco Emilia, lì 4 ottobre 1987.',
].join('\n');
