// What a generated document says and how it is arranged, before layout: content builders produce it,
// layout turns it into positioned lines (and the ground-truth text), rendering draws it.
import type { GroundTruth } from '../domain/ground-truth.ts';
import type { FontChoice } from './fonts.ts';

/** left: at the margin; indent: the signature column; center: centred on the page. */
export type Align = 'left' | 'indent' | 'center';

// `optional` blocks are dropped, last first, when a page would overflow.
export type Block =
  /** A paragraph, wrapped to the text width. */
  | { kind: 'para'; text: string; bold?: boolean; align?: Align; gapBefore?: number; hanging?: boolean; optional?: boolean }
  /** One line, never wrapped (must fit). */
  | { kind: 'line'; text: string; bold?: boolean; align?: Align; scale?: number; gapBefore?: number; optional?: boolean }
  /** A simple table with horizontal rules; each row reads as its cells joined by one space. */
  | { kind: 'table'; header: string[]; rows: string[][]; gapBefore?: number; optional?: boolean }
  /** A handwritten signature scribble (no text). */
  | { kind: 'signature'; gapBefore?: number }
  /** A line drawing (floor plan) `lines` body lines high, no text. */
  | { kind: 'drawing'; lines: number; seed: number }
  | { kind: 'gap'; lines: number };

export interface Letterhead {
  lines: Array<{ text: string; bold?: boolean; scale?: number }>;
  align: 'center' | 'left';
  rule: boolean; // a horizontal line under it
  font: FontChoice;
}

export interface StampSpec {
  shape: 'rect' | 'circle';
  lines: string[];
}

/** The ground-truth fields the content decides (id, file, format, pages are added later). */
export type ContentFacts = Omit<GroundTruth, 'id' | 'file' | 'format' | 'pages'>;

export interface DocumentContent {
  facts: ContentFacts;
  /** Body font and typing style. */
  font: FontChoice;
  letterhead?: Letterhead;
  /** Blocks of each page; page 1 also carries the letterhead and the stamp. */
  pages: Block[][];
  stamp: StampSpec;
  /** Year of the document: drives the look (paper tone, ink). */
  year: number;
}

/** Blocks as a small builder, so content code reads as the document does. */
export class PageBuilder {
  readonly blocks: Block[] = [];
  line(text: string, opts: { bold?: boolean; align?: Align; scale?: number; gapBefore?: number; optional?: boolean } = {}): this {
    this.blocks.push({ kind: 'line', text, ...opts });
    return this;
  }
  para(
    text: string,
    opts: { bold?: boolean; align?: Align; gapBefore?: number; hanging?: boolean; optional?: boolean } = {},
  ): this {
    this.blocks.push({ kind: 'para', text, ...opts });
    return this;
  }
  gap(lines = 1): this {
    this.blocks.push({ kind: 'gap', lines });
    return this;
  }
  table(header: string[], rows: string[][], opts: { gapBefore?: number; optional?: boolean } = {}): this {
    this.blocks.push({ kind: 'table', header, rows, gapBefore: opts.gapBefore ?? 0.5, optional: opts.optional });
    return this;
  }
  signature(gapBefore = 0): this {
    this.blocks.push({ kind: 'signature', gapBefore });
    return this;
  }
  drawing(lines: number, seed: number): this {
    this.blocks.push({ kind: 'drawing', lines, seed });
    return this;
  }
}
