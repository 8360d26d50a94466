// Plans how a box scan splits into documents, one page descriptor at a time (pure; never sees page images).
// - A practice separator starts a new practice: the pages after it belong to that practice.
// - A document-type separator starts a new document of that type inside the current practice.
// - A generic separator starts a new document of the current practice, type left to the classifier.
// - A blank page, with blankPages 'split', ends the current document; the next one keeps the practice and the type
//   of the last document-type separator. With 'drop' it is only left out; with 'keep' it is a content page.
// Separator (and dropped blank) pages are left out of the parts but listed on the part that follows them, so the
// original scan keeps every page and a person can check where each went. A part is yielded as soon as it closes.
import { documentTypeLabel, type PracticeSeparator, type SeparatorPayload } from './separator.payload.ts';
import type { DocumentType } from '../domain/vocabulary.ts';
import { formatPageRanges } from '../domain/page-ranges.ts';

export { formatPageRanges };

export type PageDescriptor =
  | { page: number; kind: 'separator'; separator: SeparatorPayload }
  /** A Faldone code that could not be accepted: the page is a separator whose meaning is unknown. */
  | { page: number; kind: 'invalid-separator'; reason: string }
  | { page: number; kind: 'blank' }
  | { page: number; kind: 'content' };

export type PartOpener = 'start' | 'practice' | 'document-type' | 'generic' | 'blank' | 'invalid-separator';

export interface SplitPart {
  /** 1-based, in scan order. */
  index: number;
  /** Practice of the last practice separator; undefined for pages before the first one. */
  practice?: Pick<PracticeSeparator, 'comune' | 'pratica' | 'proc' | 'box'>;
  /** Type from the last document-type separator of the practice; undefined: to classify. */
  documentType?: DocumentType;
  /** Content pages of the document (1-based page numbers of the box scan). */
  pages: number[];
  /** Separator pages read since the previous part: left out of this document, kept in the original. */
  separatorPages: number[];
  /** Blank pages left out since the previous part (or inside this one, with blankPages 'drop'). */
  blankPages: number[];
  /** What started this part. */
  openedBy: PartOpener;
  /** Italian notes for the person checking the split (missing practice, mismatched separators…). */
  warnings: string[];
}

export interface BoxSplitOptions {
  /** What a blank page does: 'split' ends the document, 'drop' leaves it out, 'keep' treats it as content. Default 'keep'. */
  blankPages?: 'split' | 'drop' | 'keep';
}

export interface BoxSplitSummary {
  pages: number;
  parts: number;
  separatorPages: number[];
  blankPages: number[];
  /** Separator and blank pages after the last content page: they open no document. */
  trailingPages: number[];
  warnings: string[];
}

/** Incremental planner: push descriptors in page order, collect closed parts, then end(). */
export class BoxSplitPlanner {
  private readonly blankMode: 'split' | 'drop' | 'keep';
  private practice: SplitPart['practice'];
  private documentType: DocumentType | undefined;
  private current: SplitPart | undefined;
  private pendingSeparators: number[] = [];
  private pendingBlanks: number[] = [];
  private pendingOpener: PartOpener = 'start';
  private pendingWarnings: string[] = [];
  private nextIndex = 1;
  private practiceHasParts = false;
  private lastPage = 0;
  private readonly summary: BoxSplitSummary = {
    pages: 0,
    parts: 0,
    separatorPages: [],
    blankPages: [],
    trailingPages: [],
    warnings: [],
  };

  constructor(opts: BoxSplitOptions = {}) {
    this.blankMode = opts.blankPages ?? 'keep';
  }

  /** Consumes one page; returns the part it closed, if any. */
  push(d: PageDescriptor): SplitPart | undefined {
    if (d.page <= this.lastPage) throw new Error(`pages out of order: ${d.page} after ${this.lastPage}`);
    this.lastPage = d.page;
    this.summary.pages++;
    switch (d.kind) {
      case 'content':
        return this.content(d.page);
      case 'blank':
        if (this.blankMode === 'keep') return this.content(d.page);
        this.summary.blankPages.push(d.page);
        if (this.blankMode === 'drop') {
          (this.current ? this.current.blankPages : this.pendingBlanks).push(d.page);
          return undefined;
        }
        this.pendingBlanks.push(d.page);
        return this.close('blank');
      case 'separator':
        this.summary.separatorPages.push(d.page);
        this.pendingSeparators.push(d.page);
        return this.separator(d.page, d.separator);
      case 'invalid-separator':
        this.summary.separatorPages.push(d.page);
        this.pendingSeparators.push(d.page);
        this.pendingWarnings.push(
          `Pagina ${d.page}: separatore non leggibile (${d.reason}); verificare l'attribuzione.`,
        );
        return this.close('invalid-separator');
    }
  }

  /** Closes the last part; returns it (if any) and the summary of the whole box. */
  end(): { part?: SplitPart; summary: BoxSplitSummary } {
    const part = this.closeCurrent();
    this.summary.trailingPages = [...this.pendingSeparators, ...this.pendingBlanks].sort((a, b) => a - b);
    if (this.pendingSeparators.length) {
      this.summary.warnings.push(`Separatori senza documenti dopo: pagine ${this.pendingSeparators.join(', ')}.`);
    }
    this.summary.warnings.push(...this.pendingWarnings);
    return { part, summary: this.summary };
  }

  private separator(page: number, s: SeparatorPayload): SplitPart | undefined {
    const closed = this.closeCurrent();
    switch (s.kind) {
      case 'practice':
        if (this.practice && !this.practiceHasParts) {
          this.summary.warnings.push(`Pagina ${page}: la pratica ${this.practice.pratica} è rimasta senza pagine.`);
        }
        this.practiceHasParts = false;
        this.practice = { comune: s.comune, pratica: s.pratica, proc: s.proc, box: s.box };
        this.documentType = undefined;
        this.pendingOpener = 'practice';
        break;
      case 'document-type':
        this.documentType = s.tipo;
        this.pendingOpener = 'document-type';
        if (!this.practice) {
          this.pendingWarnings.push(
            `Pagina ${page}: separatore "${documentTypeLabel(s.tipo)}" prima di ogni separatore di pratica.`,
          );
        } else if (s.pratica && s.pratica !== this.practice.pratica) {
          this.pendingWarnings.push(
            `Pagina ${page}: separatore "${documentTypeLabel(s.tipo)}" stampato per la pratica ${s.pratica}, ma la pratica in corso è ${this.practice.pratica}.`,
          );
        }
        break;
      case 'generic':
        this.documentType = undefined;
        this.pendingOpener = 'generic';
        break;
    }
    return closed;
  }

  private content(page: number): undefined {
    if (!this.current) {
      this.practiceHasParts = true;
      const warnings = this.pendingWarnings;
      if (!this.practice) warnings.push('Pagine prima del primo separatore di pratica: pratica da assegnare.');
      this.current = {
        index: this.nextIndex++,
        practice: this.practice,
        documentType: this.documentType,
        pages: [],
        separatorPages: this.pendingSeparators,
        blankPages: this.pendingBlanks,
        openedBy: this.pendingOpener,
        warnings,
      };
      this.pendingSeparators = [];
      this.pendingBlanks = [];
      this.pendingWarnings = [];
    }
    this.current.pages.push(page);
    return undefined;
  }

  private close(opener: PartOpener): SplitPart | undefined {
    const closed = this.closeCurrent();
    this.pendingOpener = opener;
    return closed;
  }

  private closeCurrent(): SplitPart | undefined {
    const part = this.current;
    if (!part) return undefined;
    this.current = undefined;
    this.summary.parts++;
    return part;
  }
}

/** Streams the parts of a box scan from its page descriptors (any iterable; one part is held at a time). */
export async function* planBoxSplit(
  pages: AsyncIterable<PageDescriptor> | Iterable<PageDescriptor>,
  opts: BoxSplitOptions & { onSummary?: (s: BoxSplitSummary) => void } = {},
): AsyncGenerator<SplitPart> {
  const planner = new BoxSplitPlanner(opts);
  for await (const d of pages) {
    const part = planner.push(d);
    if (part) yield part;
  }
  const { part, summary } = planner.end();
  if (part) yield part;
  opts.onSummary?.(summary);
}

/** One Italian line per part with its page count, for the person checking the split before it is applied. */
export function describeSplitPart(p: SplitPart): string {
  const who = p.practice ? `Pratica ${p.practice.pratica} (${p.practice.comune})` : 'Pratica da assegnare';
  const type = p.documentType ? documentTypeLabel(p.documentType) : 'tipo da classificare';
  const n = p.pages.length;
  const skipped = [
    p.separatorPages.length ? `separatori: ${formatPageRanges(p.separatorPages)}` : '',
    p.blankPages.length ? `bianche escluse: ${formatPageRanges(p.blankPages)}` : '',
  ].filter(Boolean);
  return (
    `Documento ${p.index} — ${who} — ${type} — pagine ${formatPageRanges(p.pages)} (${n} ${n === 1 ? 'pagina' : 'pagine'})` +
    (skipped.length ? ` [${skipped.join('; ')}]` : '') +
    (p.warnings.length ? ` ⚠ ${p.warnings.join(' ')}` : '')
  );
}
