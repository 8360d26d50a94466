// Born-digital PDFs for tests: pages of real text, set either in an embedded TrueType font (a system font file,
// embedded whole, WinAnsi encoding, widths read from the font) or in pdf-lib's standard Helvetica (not embedded).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { degrees, PDFDocument, PDFHexString, PDFName, StandardFonts, type PDFRef } from 'pdf-lib';

export type FontChoice = 'embedded' | 'standard';

export interface TextPageSpec {
  lines: string[];
  /** Page size in points; default A5 portrait. */
  sizePt?: [number, number];
  fontSize?: number;
  rotate?: 0 | 90 | 180 | 270;
}

const cp1252 = (() => {
  const decoder = new TextDecoder('windows-1252');
  const map = new Map<string, number>();
  for (let b = 32; b < 256; b++) map.set(decoder.decode(Uint8Array.of(b)), b);
  return map;
})();

function winAnsi(text: string): Uint8Array {
  return Uint8Array.from(Array.from(text, (ch) => cp1252.get(ch) ?? cp1252.get('?')!));
}

/** The tables of a TrueType file needed for a simple font's /Widths and descriptor. */
function readTrueType(ttf: Buffer) {
  const tables = new Map<string, number>();
  const count = ttf.readUInt16BE(4);
  for (let i = 0; i < count; i++)
    tables.set(ttf.toString('latin1', 12 + 16 * i, 16 + 16 * i), ttf.readUInt32BE(20 + 16 * i));
  const at = (tag: string) => {
    const o = tables.get(tag);
    if (o === undefined) throw new Error(`TrueType table ${tag} missing`);
    return o;
  };
  const head = at('head');
  const unitsPerEm = ttf.readUInt16BE(head + 18);
  const bbox = [0, 2, 4, 6].map((k) => ttf.readInt16BE(head + 36 + k));
  const hhea = at('hhea');
  const ascent = ttf.readInt16BE(hhea + 4);
  const descent = ttf.readInt16BE(hhea + 6);
  const numberOfHMetrics = ttf.readUInt16BE(hhea + 34);
  const hmtx = at('hmtx');
  const advance = (gid: number) => ttf.readUInt16BE(hmtx + 4 * Math.min(gid, numberOfHMetrics - 1));
  // cmap: the Windows Unicode BMP subtable, format 4.
  const cmap = at('cmap');
  let sub = -1;
  for (let i = 0; i < ttf.readUInt16BE(cmap + 2); i++) {
    const rec = cmap + 4 + 8 * i;
    if (ttf.readUInt16BE(rec) === 3 && ttf.readUInt16BE(rec + 2) === 1) sub = cmap + ttf.readUInt32BE(rec + 4);
  }
  if (sub < 0 || ttf.readUInt16BE(sub) !== 4) throw new Error('no format-4 Unicode cmap');
  const segX2 = ttf.readUInt16BE(sub + 6);
  const ends = sub + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const offsets = deltas + segX2;
  const glyph = (code: number): number => {
    for (let s = 0; s < segX2; s += 2) {
      if (code > ttf.readUInt16BE(ends + s)) continue;
      const start = ttf.readUInt16BE(starts + s);
      if (code < start) return 0;
      const delta = ttf.readInt16BE(deltas + s);
      const ro = ttf.readUInt16BE(offsets + s);
      if (ro === 0) return (code + delta) & 0xffff;
      const g = ttf.readUInt16BE(offsets + s + ro + 2 * (code - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
  const scale = (v: number) => Math.round((v * 1000) / unitsPerEm);
  return {
    bbox: bbox.map(scale),
    ascent: scale(ascent),
    descent: scale(descent),
    width: (code: number) => scale(advance(glyph(code))),
  };
}

/** Embeds a system TrueType font (Liberation Serif, else DejaVu Serif) as a WinAnsi simple font. */
export function embedTrueTypeFont(doc: PDFDocument): PDFRef {
  const family = ['Liberation Serif', 'DejaVu Serif'].find((f) =>
    execFileSync('fc-list', [f], { encoding: 'utf8' }).trim(),
  );
  if (!family) throw new Error('neither Liberation Serif nor DejaVu Serif is installed (fc-list)');
  const file = execFileSync('fc-match', ['-f', '%{file}', family], { encoding: 'utf8' });
  const ttf = readFileSync(file);
  const tt = readTrueType(ttf);
  const decoder = new TextDecoder('windows-1252');
  const widths = Array.from({ length: 224 }, (_, i) => tt.width(decoder.decode(Uint8Array.of(32 + i)).codePointAt(0)!));
  const ctx = doc.context;
  const fontFile = ctx.register(ctx.flateStream(ttf, { Length1: ttf.length }));
  const descriptor = ctx.register(
    ctx.obj({
      Type: 'FontDescriptor',
      FontName: family.replace(/ /g, ''),
      Flags: 32, // non-symbolic: WinAnsi codes map through the Unicode cmap
      FontBBox: tt.bbox,
      ItalicAngle: 0,
      Ascent: tt.ascent,
      Descent: tt.descent,
      CapHeight: tt.ascent,
      StemV: 80,
      FontFile2: fontFile,
    }),
  );
  return ctx.register(
    ctx.obj({
      Type: 'Font',
      Subtype: 'TrueType',
      BaseFont: family.replace(/ /g, ''),
      FirstChar: 32,
      LastChar: 255,
      Widths: widths,
      Encoding: 'WinAnsiEncoding',
      FontDescriptor: descriptor,
    }),
  );
}

/** Adds text pages to `doc`, one line under the other, with a ruled line under the text (a vector drawing). */
export async function addTextPages(
  doc: PDFDocument,
  pages: TextPageSpec[],
  font: FontChoice = 'embedded',
): Promise<void> {
  const ctx = doc.context;
  const fontRef = font === 'embedded' ? embedTrueTypeFont(doc) : (await doc.embedFont(StandardFonts.Helvetica)).ref;
  for (const spec of pages) {
    const [w, h] = spec.sizePt ?? [420, 595];
    const size = spec.fontSize ?? 12;
    const ops: string[] = [];
    spec.lines.forEach((line, i) => {
      const hex = PDFHexString.of(Buffer.from(winAnsi(line)).toString('hex')).toString();
      ops.push(`BT /F1 ${size} Tf 40 ${h - 60 - i * size * 1.6} Td ${hex} Tj ET`);
    });
    ops.push(
      `0.5 w 40 ${h - 70 - spec.lines.length * size * 1.6} m ${w - 40} ${h - 70 - spec.lines.length * size * 1.6} l S`,
    );
    const page = doc.addPage([w, h]);
    page.node.set(PDFName.of('Resources'), ctx.obj({ Font: { F1: fontRef } }));
    page.node.set(PDFName.of('Contents'), ctx.register(ctx.flateStream(ops.join('\n'))));
    if (spec.rotate) page.setRotation(degrees(spec.rotate));
  }
}

export async function bornDigitalPdf(pages: TextPageSpec[], font: FontChoice = 'embedded'): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  await addTextPages(doc, pages, font);
  return doc.save();
}

/** Italian administrative prose, a line per entry, with accents and punctuation. */
export const BORN_DIGITAL_LINES = [
  'Comune di Castelfranco Emilia - Settore Edilizia Privata',
  'Oggetto: permesso di costruire n. 45/2024, via Garibaldi 14.',
  'Il responsabile del procedimento, verificata la conformità',
  "dell'intervento al piano regolatore, rilascia il titolo richiesto.",
  'Si allegano: relazione tecnica, elaborati grafici (scala 1:100).',
  'Distinti saluti. Castelfranco Emilia, lì 4 ottobre 2024.',
];
