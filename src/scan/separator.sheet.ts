// Printable separator sheets: one A4 page per separator, a large QR code (vector modules, ECC level Q) between a
// human-readable Italian heading and the instructions for the people preparing the boxes. Several sheets, one PDF.
import QRCode from 'qrcode';
import {
  fill,
  PDFDocument,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  rgb,
  setFillingGrayscaleColor,
  StandardFonts,
  type PDFFont,
  type PDFOperator,
  type PDFPage,
} from 'pdf-lib';
import {
  describeSeparator,
  documentTypeLabel,
  encodeSeparator,
  procedureLabel,
  type SeparatorPayload,
} from './separator.payload.ts';

export const A4 = { widthPt: 595.28, heightPt: 841.89 } as const;
const MM = 72 / 25.4;
/** Sheets drawn between two yields to the event loop. */
const YIELD_EVERY = 10;

export interface SeparatorSheetOptions {
  /** Side of the QR code, quiet zone excluded, in millimetres. Default 90. */
  qrSizeMm?: number;
  /** QR error correction level. Default 'Q' (25 %: survives a staple hole or a stamp over the code). */
  errorCorrection?: 'L' | 'M' | 'Q' | 'H';
  /** Date printed in the footer (ISO yyyy-mm-dd). Default today; tests pass a fixed one. */
  printedOn?: string;
  /** Organisation line in the footer, e.g. the Comune's archive office. */
  issuer?: string;
}

/** The QR module matrix of a payload: rows of booleans (true = dark), without the quiet zone. */
export function separatorQrMatrix(
  payload: SeparatorPayload,
  ecc: SeparatorSheetOptions['errorCorrection'] = 'Q',
): boolean[][] {
  const qr = QRCode.create(encodeSeparator(payload), { errorCorrectionLevel: ecc });
  const n = qr.modules.size;
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => Boolean(qr.modules.get(r, c))));
}

/** A PDF with one A4 sheet per payload, in order. */
export async function separatorSheetsPdf(
  payloads: SeparatorPayload[],
  opts: SeparatorSheetOptions = {},
): Promise<Uint8Array> {
  if (payloads.length === 0) throw new Error('no separator to print');
  const doc = await PDFDocument.create();
  doc.setTitle(
    payloads.length === 1
      ? `Foglio separatore — ${describeSeparator(payloads[0]!)}`
      : `Fogli separatori (${payloads.length})`,
  );
  doc.setCreator('Faldone');
  doc.setProducer('Faldone');
  doc.setLanguage('it-IT');
  // Fixed dates so the same input prints the same bytes (tests, re-prints).
  const when = new Date(`${opts.printedOn ?? new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  doc.setCreationDate(when);
  doc.setModificationDate(when);
  const fonts: SheetFonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    mono: await doc.embedFont(StandardFonts.Courier),
  };
  for (const [i, p] of payloads.entries()) {
    // A server prints hundreds of sheets in one request: let other requests run every few sheets.
    if (i > 0 && i % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    drawSheet(doc.addPage([A4.widthPt, A4.heightPt]), p, fonts, opts, { index: i + 1, of: payloads.length });
  }
  return doc.save({ useObjectStreams: false });
}

interface SheetFonts {
  regular: PDFFont;
  bold: PDFFont;
  mono: PDFFont;
}

const BLACK = rgb(0, 0, 0);
const GREY = rgb(0.35, 0.35, 0.35);
const MARGIN = 18 * MM;

function headline(p: SeparatorPayload): { kicker: string; title: string; details: string[] } {
  switch (p.kind) {
    case 'practice':
      return {
        kicker: 'FOGLIO SEPARATORE — PRATICA',
        title: `PRATICA ${p.pratica}`,
        details: [
          `Comune: ${p.comune}`,
          p.proc ? `Procedimento: ${procedureLabel(p.proc)}` : 'Procedimento: non indicato',
          p.box ? `Collocazione: ${p.box}` : 'Collocazione: non indicata',
        ],
      };
    case 'document-type':
      return {
        kicker: 'FOGLIO SEPARATORE — TIPO DI DOCUMENTO',
        title: documentTypeLabel(p.tipo).toUpperCase(),
        details: [p.pratica ? `Pratica: ${p.pratica}` : 'Vale per la pratica in corso (ultimo separatore di pratica).'],
      };
    case 'generic':
      return {
        kicker: 'FOGLIO SEPARATORE — GENERICO',
        title: 'NUOVO DOCUMENTO',
        details: [p.nota ? `Nota: ${p.nota}` : 'Stessa pratica, tipo di documento da classificare.'],
      };
  }
}

const INSTRUCTIONS: Record<SeparatorPayload['kind'], string[]> = {
  practice: [
    'Inserire questo foglio PRIMA dei documenti della pratica indicata.',
    'Le pagine che seguono, fino al prossimo separatore di pratica, appartengono a questa pratica.',
  ],
  'document-type': [
    'Inserire questo foglio PRIMA dei documenti del tipo indicato, dentro la pratica.',
    'Le pagine che seguono, fino al prossimo separatore, sono di questo tipo.',
  ],
  generic: [
    'Inserire questo foglio tra due documenti della stessa pratica per separarli.',
    'Il tipo del documento che segue sarà riconosciuto automaticamente.',
  ],
};

const COMMON_INSTRUCTIONS = [
  'Il foglio separatore non entra nei documenti: resta solo nella scansione originale.',
  'Non piegare, non pinzare e non timbrare sul codice. Stampare al 100% (senza adattamento alla pagina).',
  'Si può scansionare in bianco e nero, a 200 DPI o più.',
];

function drawSheet(
  page: PDFPage,
  payload: SeparatorPayload,
  fonts: SheetFonts,
  opts: SeparatorSheetOptions,
  pos: { index: number; of: number },
): void {
  const { widthPt: W, heightPt: H } = A4;
  const contentW = W - 2 * MARGIN;
  const h = headline(payload);
  let y = H - MARGIN;

  // Black band with the kicker: visible at a glance in a pile of paper.
  const bandH = 30;
  page.drawRectangle({ x: MARGIN, y: y - bandH, width: contentW, height: bandH, color: BLACK });
  drawFitted(page, h.kicker, fonts.bold, 15, {
    x: MARGIN + 10,
    y: y - bandH + 10,
    maxWidth: contentW - 20,
    color: rgb(1, 1, 1),
  });
  y -= bandH + 40;

  drawFitted(page, h.title, fonts.bold, 30, { x: MARGIN, y, maxWidth: contentW, color: BLACK });
  y -= 34;
  for (const line of h.details) {
    drawFitted(page, line, fonts.regular, 13, { x: MARGIN, y, maxWidth: contentW, color: BLACK });
    y -= 19;
  }

  // QR code, centred, vector modules drawn as horizontal runs.
  const matrix = separatorQrMatrix(payload, opts.errorCorrection);
  const side = (opts.qrSizeMm ?? 90) * MM;
  const module = side / matrix.length;
  const qrTop = y - 4 * module - 6;
  const x0 = (W - side) / 2;
  // One path of rectangles and a single fill: drawing each run with drawRectangle costs ~50 ms a sheet.
  const ops: PDFOperator[] = [pushGraphicsState(), setFillingGrayscaleColor(0)];
  matrix.forEach((row, r) => {
    for (let c = 0; c < row.length;) {
      if (!row[c]) {
        c++;
        continue;
      }
      let end = c;
      while (end < row.length && row[end]) end++;
      // A hair of overlap so adjacent runs print without white seams.
      ops.push(rectangle(x0 + c * module, qrTop - (r + 1) * module, (end - c) * module + 0.05, module + 0.05));
      c = end;
    }
  });
  ops.push(fill(), popGraphicsState());
  page.pushOperators(...ops);
  y = qrTop - side - 4 * module;

  // The encoded text, for a person to type in if the code cannot be read.
  const code = encodeSeparator(payload);
  y -= drawWrapped(page, code, fonts.mono, 7.5, { x: MARGIN, y, maxWidth: contentW, color: GREY, lineH: 9.5 }) + 14;

  page.drawLine({ start: { x: MARGIN, y }, end: { x: W - MARGIN, y }, thickness: 0.8, color: GREY });
  y -= 18;
  drawFitted(page, 'Istruzioni', fonts.bold, 12, { x: MARGIN, y, maxWidth: contentW, color: BLACK });
  y -= 16;
  for (const line of [...INSTRUCTIONS[payload.kind], ...COMMON_INSTRUCTIONS]) {
    page.drawText('•', { x: MARGIN, y, size: 10.5, font: fonts.regular, color: BLACK });
    y -=
      drawWrapped(page, line, fonts.regular, 10.5, {
        x: MARGIN + 12,
        y,
        maxWidth: contentW - 12,
        color: BLACK,
        lineH: 13.5,
      }) + 3;
  }

  const footer = [
    'Faldone',
    opts.issuer,
    `stampato il ${formatItalianDate(opts.printedOn ?? new Date().toISOString().slice(0, 10))}`,
    `foglio ${pos.index} di ${pos.of}`,
  ]
    .filter(Boolean)
    .join(' — ');
  drawFitted(page, footer, fonts.regular, 8, { x: MARGIN, y: MARGIN - 20, maxWidth: contentW, color: GREY });
}

function formatItalianDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

const NO_DECOMPOSITION: Record<string, string> = {
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ħ: 'H',
  ħ: 'h',
  ı: 'i',
  Ŧ: 'T',
  ŧ: 't',
};

/** Replaces what the standard fonts (WinAnsi) cannot encode: accents are kept, other letters lose their marks. */
export function winAnsiSafe(text: string): string {
  const extra = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0)!;
    if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || extra.includes(ch)) out += ch;
    else {
      const base = (NO_DECOMPOSITION[ch] ?? ch).normalize('NFD').replace(/\p{M}/gu, '');
      out += base && [...base].every((b) => b.codePointAt(0)! < 0x7f) ? base : '?';
    }
  }
  return out;
}

interface DrawAt {
  x: number;
  y: number;
  maxWidth: number;
  color: ReturnType<typeof rgb>;
}

/** Draws one line, shrinking the size until it fits; returns the size used. */
function drawFitted(page: PDFPage, raw: string, font: PDFFont, size: number, at: DrawAt): number {
  const text = winAnsiSafe(raw);
  let s = size;
  while (s > 6 && font.widthOfTextAtSize(text, s) > at.maxWidth) s -= 0.5;
  page.drawText(text, { x: at.x, y: at.y, size: s, font, color: at.color });
  return s;
}

/** Draws a paragraph wrapped to maxWidth (long unbreakable runs are cut); returns the height used. */
function drawWrapped(page: PDFPage, raw: string, font: PDFFont, size: number, at: DrawAt & { lineH: number }): number {
  const text = winAnsiSafe(raw);
  const lines: string[] = [];
  let line = '';
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= at.maxWidth;
  for (const word of text.split(/(?<=[ |])/)) {
    if (fits(line + word)) {
      line += word;
      continue;
    }
    if (line) lines.push(line.trimEnd());
    line = '';
    let rest = word;
    while (!fits(rest)) {
      let cut = rest.length - 1;
      while (cut > 1 && !fits(rest.slice(0, cut))) cut--;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = rest;
  }
  if (line.trim()) lines.push(line.trimEnd());
  lines.forEach((l, i) => page.drawText(l, { x: at.x, y: at.y - i * at.lineH, size, font, color: at.color }));
  return lines.length * at.lineH;
}
