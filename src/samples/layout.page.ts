// Lays a document's content out on A4 pages at 300 DPI: wraps paragraphs, positions lines, reserves the stamp
// zone, and yields each page's ground-truth text (lines in reading order, stamp last). Pure and deterministic.
import { estimateTextWidth, type FontChoice } from './fonts.ts';
import type { Block, DocumentContent, StampSpec } from './content.model.ts';

export const DPI = 300;
export const PAGE_W = 2480; // A4 210 mm at 300 DPI
export const PAGE_H = 3508; // A4 297 mm at 300 DPI
export const MARGIN_LEFT = 250;
export const MARGIN_RIGHT = 250;
export const MARGIN_TOP = 230;
export const MARGIN_BOTTOM = 200;
export const INDENT_X = 1350; // signature column
export const STAMP_ZONE_H = 600; // bottom band of page 1 kept free for the protocol stamp
export const STAMP_FONT_PX = 46;
export const STAMP_LINE_H = 62;

export interface PlacedText {
  x: number;
  y: number; // baseline
  text: string;
  sizePx: number;
  bold: boolean;
  anchor: 'start' | 'middle';
  font: FontChoice;
}

export interface PlacedRule {
  x1: number;
  x2: number;
  y: number;
  width: number;
}

export interface PlacedBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PlacedStamp {
  spec: StampSpec;
  cx: number;
  cy: number;
  w: number; // rect width, or circle diameter
  h: number;
}

export interface PlacedDrawing extends PlacedBox {
  seed: number;
}

export interface PageLayout {
  texts: PlacedText[];
  rules: PlacedRule[];
  signatures: PlacedBox[];
  drawings: PlacedDrawing[];
  stamp?: PlacedStamp;
  /** Ground-truth text of the page: every rendered line, joined by '\n'. */
  text: string;
}

export class LayoutOverflowError extends Error {}

export function bodySizePx(font: FontChoice): number {
  return font.role === 'sans' ? 48 : 50; // 12 pt is 50 px at 300 DPI; never below 11 pt (46 px)
}

export function lineHeightPx(font: FontChoice): number {
  return Math.round(bodySizePx(font) * 1.42);
}

const NBSP = '\u00A0';

/** The text as drawn and as ground truth: no-break spaces become spaces. */
export function plain(text: string): string {
  return text.replace(/\u00A0/g, ' ');
}

/** Binds what must not be split across lines: "n. 12", "Prot. n.", "fg. 3", "del 12/03/1987". */
function glueReferences(text: string): string {
  return text
    .replace(/\b([nN]\.) (?=\d)/g, `$1${NBSP}`)
    .replace(/\b(Prot\.|prot\.|PROT\.) (?=[nN]\.)/g, `$1${NBSP}`);
}

/** Greedy word wrap to `maxWidth` px; never breaks at a no-break space. Returns plain lines. */
export function wrapText(text: string, font: FontChoice, sizePx: number, maxWidth: number, bold = false): string[] {
  const words = glueReferences(text).split(/[ \t\n]+/).filter(Boolean);
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    const candidate = current ? `${current} ${word}` : word;
    if (current && estimateTextWidth(candidate, font.role, sizePx, bold) > maxWidth) {
      lines.push(current);
      current = word;
    } else {
      current = candidate;
    }
  }
  if (current) lines.push(current);
  return lines.map(plain);
}

export function stampSize(spec: StampSpec): { w: number; h: number } {
  const widest = Math.max(
    ...spec.lines.map((l) => estimateTextWidth(l, 'sans', STAMP_FONT_PX, true)),
  );
  const textH = spec.lines.length * STAMP_LINE_H;
  if (spec.shape === 'circle') {
    const d = Math.ceil(Math.max(widest + 140, textH + 120));
    return { w: d, h: d };
  }
  return { w: Math.ceil(widest + 90), h: textH + 60 };
}

/** Lays out every page, first dropping optional blocks (last first) from pages that would overflow. */
export function layoutDocument(content: DocumentContent): PageLayout[] {
  return fitContent(content).pages.map((blocks, index) => layoutPage(content, blocks, index));
}

/** The content with the optional blocks that do not fit removed; throws LayoutOverflowError if still too long. */
export function fitContent(content: DocumentContent): DocumentContent {
  const pages = content.pages.map((original, index) => {
    let blocks = original.slice();
    for (;;) {
      try {
        layoutPage(content, blocks, index);
        return blocks;
      } catch (err) {
        if (!(err instanceof LayoutOverflowError)) throw err;
        const last = findLastOptional(blocks);
        if (last < 0) throw err;
        blocks = blocks.filter((_, i) => i !== last);
      }
    }
  });
  return { ...content, pages };
}

function findLastOptional(blocks: Block[]): number {
  for (let i = blocks.length - 1; i >= 0; i--) {
    const b = blocks[i];
    if (b && (b.kind === 'para' || b.kind === 'line' || b.kind === 'table') && b.optional) return i;
  }
  return -1;
}

function layoutPage(content: DocumentContent, blocks: Block[], pageIndex: number): PageLayout {
  const font = content.font;
  const size = bodySizePx(font);
  const lh = lineHeightPx(font);
  const texts: PlacedText[] = [];
  const rules: PlacedRule[] = [];
  const signatures: PlacedBox[] = [];
  const drawings: PlacedDrawing[] = [];
  const gt: string[] = [];
  const textRight = PAGE_W - MARGIN_RIGHT;
  const isFirst = pageIndex === 0;
  const bottom = PAGE_H - MARGIN_BOTTOM - (isFirst ? STAMP_ZONE_H : 0);
  let y = MARGIN_TOP;

  if (isFirst && content.letterhead) {
    const lhFont = content.letterhead.font;
    for (const line of content.letterhead.lines) {
      const px = Math.round(bodySizePx(lhFont) * (line.scale ?? 1));
      y += Math.round(px * 1.3);
      const center = content.letterhead.align === 'center';
      texts.push({
        x: center ? PAGE_W / 2 : MARGIN_LEFT,
        y,
        text: plain(line.text),
        sizePx: px,
        bold: line.bold ?? false,
        anchor: center ? 'middle' : 'start',
        font: lhFont,
      });
      gt.push(plain(line.text));
    }
    y += 30;
    if (content.letterhead.rule) rules.push({ x1: MARGIN_LEFT, x2: textRight, y, width: 4 });
    y += Math.round(lh * 0.6);
  }

  const place = (raw: string, align: 'left' | 'indent' | 'center', bold: boolean, px: number, dx = 0): void => {
    const text = plain(raw);
    y += align === 'center' ? Math.round(px * 1.45) : Math.round(lh * (px / size));
    if (y > bottom) {
      throw new LayoutOverflowError(
        `page ${pageIndex + 1} of a ${content.facts.documentType} overflows at "${text.slice(0, 40)}"`,
      );
    }
    // the signature column moves left for a line too wide for it
    const indentX = Math.max(
      MARGIN_LEFT,
      Math.min(INDENT_X, Math.floor(textRight - estimateTextWidth(text, font.role, px, bold))),
    );
    texts.push({
      x: align === 'center' ? PAGE_W / 2 : (align === 'indent' ? indentX : MARGIN_LEFT) + dx,
      y,
      text,
      sizePx: px,
      bold,
      anchor: align === 'center' ? 'middle' : 'start',
      font,
    });
    gt.push(text);
  };

  for (const block of blocks) {
    switch (block.kind) {
      case 'gap':
        y += Math.round(lh * block.lines);
        break;
      case 'line': {
        y += Math.round(lh * (block.gapBefore ?? 0));
        const px = Math.round(size * (block.scale ?? 1));
        const align = block.align ?? 'left';
        if (align !== 'center' && estimateTextWidth(block.text, font.role, px, block.bold) > textRight - MARGIN_LEFT + 40) {
          throw new LayoutOverflowError(`line too wide: "${block.text}"`);
        }
        place(block.text, align, block.bold ?? false, px);
        break;
      }
      case 'para': {
        y += Math.round(lh * (block.gapBefore ?? 0.5));
        const align = block.align ?? 'left';
        const x0 = align === 'indent' ? INDENT_X : MARGIN_LEFT;
        const hang = block.hanging ? Math.round(size * 1.2) : 0;
        const lines = wrapText(block.text, font, size, textRight - x0 - hang, block.bold);
        lines.forEach((line, i) => place(line, align, block.bold ?? false, size, i > 0 ? hang : 0));
        break;
      }
      case 'table': {
        y += Math.round(lh * (block.gapBefore ?? 0.5));
        const cols = block.header.length;
        const colW = Math.min(520, Math.floor((textRight - MARGIN_LEFT) / cols));
        const tableRight = MARGIN_LEFT + colW * cols;
        rules.push({ x1: MARGIN_LEFT, x2: tableRight, y: y + 12, width: 3 });
        const row = (cells: string[], bold: boolean): void => {
          y += Math.round(lh * 1.1);
          if (y > bottom) throw new LayoutOverflowError(`table overflows page ${pageIndex + 1}`);
          cells.forEach((cell, i) => {
            texts.push({ x: MARGIN_LEFT + 20 + i * colW, y, text: plain(cell), sizePx: size, bold, anchor: 'start', font });
          });
          gt.push(plain(cells.join(' ')));
        };
        row(block.header, true);
        rules.push({ x1: MARGIN_LEFT, x2: tableRight, y: y + 24, width: 2 });
        for (const r of block.rows) row(r, false);
        rules.push({ x1: MARGIN_LEFT, x2: tableRight, y: y + 24, width: 3 });
        y += 24;
        break;
      }
      case 'signature': {
        y += Math.round(lh * (block.gapBefore ?? 0));
        const h = Math.round(lh * 1.3);
        if (y + h > bottom) throw new LayoutOverflowError(`signature overflows page ${pageIndex + 1}`);
        signatures.push({ x: INDENT_X, y: y + 10, w: 520, h });
        y += h;
        break;
      }
      case 'drawing': {
        const h = Math.round(lh * block.lines);
        if (y + h > bottom) throw new LayoutOverflowError(`drawing overflows page ${pageIndex + 1}`);
        drawings.push({ x: MARGIN_LEFT, y: y + 70, w: textRight - MARGIN_LEFT, h: h - 160, seed: block.seed });
        y += h;
        break;
      }
    }
  }

  let stamp: PlacedStamp | undefined;
  if (isFirst) {
    const { w, h } = stampSize(content.stamp);
    const zoneTop = PAGE_H - MARGIN_BOTTOM - STAMP_ZONE_H;
    stamp = {
      spec: content.stamp,
      w,
      h,
      cx: Math.round(PAGE_W - MARGIN_RIGHT - 40 - w / 2),
      cy: Math.round(zoneTop + STAMP_ZONE_H / 2 + 10),
    };
    gt.push(...content.stamp.lines);
  }

  return { texts, rules, signatures, drawings, stamp, text: gt.join('\n') };
}
