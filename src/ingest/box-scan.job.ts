// Step "prepare" of a box scan (a document uploaded with ?split=…): instead of OCR, the scan is read one page at a
// time, each page described (separator sheet, unreadable separator, blank, content), the descriptions fed to the
// split planner, and every part it closes written as a PDF of its content pages and ingested as a new document of
// the same batch and Comune, carrying its provenance and the separator's hints. Only the pages of the part being
// built are held (as compressed images), never the whole box. The box scan stays stored as an original and ends
// 'split', with its plan in the object store and an event.
import type { PDFDocument } from 'pdf-lib';
import { PermanentError, TransientError, errorMessage, transient } from '../core/errors.ts';
import type { DocumentRecord, SplitOrigin } from '../db/metadata-store.ts';
import { loadPdf } from '../ocr/pdf-images.ts';
import { BoxSplitPlanner, describeSplitPart, type PageDescriptor, type SplitPart } from '../scan/box-split.ts';
import { partPageImage, partPdf, type PartPage } from '../scan/part-pdf.ts';
import { describeScanPage } from '../scan/separator.reader.ts';
import { storeBoxScanEvents } from '../scan/split-events.ts';
import { blankPagesFor, partFilename, type SplitPlan, type SplitPlanPart } from '../scan/split-plan.ts';
import { keys } from '../store/keys.ts';
import { comuneName } from '../tenancy/comuni.ts';
import type { JobPayloads } from '../workers/job-catalogue.ts';
import type { JobContext } from '../workers/job-context.ts';
import { addStepEventOnce } from '../workers/step-event.ts';
import { rawPages } from './prepare.job.ts';
import { sniffType } from './sniff.ts';
import { ingestSplitPart } from './split-part.ingest.ts';

const fold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/^comune di /, '')
    .trim();

/**
 * In a union of several Comuni, a practice separator printed for another Comune than the box scan's: the part stays
 * in the box scan's Comune (its batch's), and a person is told.
 */
function otherComuneWarning(ctx: JobContext, box: DocumentRecord, part: SplitPart): string | undefined {
  const printed = part.practice?.comune;
  if (!printed || ctx.config.union.comuni.length < 2) return undefined;
  const own = comuneName(ctx.config.union, box.comune);
  if (fold(printed) === fold(own)) return undefined;
  return `Il separatore della pratica ${part.practice!.pratica} indica il Comune "${printed}", ma la scansione è del Comune di ${own}: documento assegnato a ${own}.`;
}

export async function splitBoxScanJob(
  ctx: JobContext,
  job: JobPayloads['prepare'],
  box: DocumentRecord,
): Promise<{ pageCount: number; parts: number }> {
  const sha = job.documentId;
  const mode = box.boxSplit ?? 'separators';
  const blankPages = blankPagesFor(mode);
  const original = await ctx.store.getBuffer(keys.original(sha));
  const type = sniffType(original.subarray(0, 1024));
  const planner = new BoxSplitPlanner({ blankPages });
  /** Content pages of the part being built, ready for its PDF. */
  const held = new Map<number, PartPage>();
  const parts: SplitPlanPart[] = [];
  const started = performance.now();
  let sourcePdf: Promise<PDFDocument> | undefined;
  let page = 0;

  const emit = async (part: SplitPart): Promise<void> => {
    const filename = partFilename(box.filename, part.index);
    const bytes = await partPdf(
      part.pages.map((p) => held.get(p)!),
      {
        title: filename,
        source: part.pages.some((p) => held.get(p)?.kind === 'pdf-page')
          ? await (sourcePdf ??= loadPdf(original))
          : undefined,
      },
    );
    for (const p of part.pages) held.delete(p);
    const other = otherComuneWarning(ctx, box, part);
    if (other) part.warnings.push(other);
    const origin: SplitOrigin = {
      boxScan: sha,
      boxFilename: box.filename,
      part: part.index,
      pages: part.pages,
      separatorPages: part.separatorPages,
      blankPages: part.blankPages,
      warnings: part.warnings,
      hints: {
        practiceKey: part.practice?.pratica,
        comune: part.practice?.comune,
        proc: part.practice?.proc,
        box: part.practice?.box,
        documentType: part.documentType,
      },
    };
    const res = await ingestSplitPart(ctx, { box, batchId: job.batchId, filename, bytes, origin });
    const description = describeSplitPart(part);
    parts.push({ ...part, documentId: res.documentId, outcome: res.outcome, filename, description });
    if (res.created) {
      await ctx.db.addEvent({
        type: 'split.part',
        documentId: sha,
        batchId: job.batchId,
        actor: 'system',
        detail: { part: part.index, documentId: res.documentId, pages: part.pages.length, description },
      });
    }
    ctx.log.info(
      { part: part.index, partDocumentId: res.documentId, outcome: res.outcome, pages: part.pages.length, page },
      'box scan part written',
    );
  };

  // Writing and ingesting a part may fail for passing reasons (store, database, queue): those are retried. Only a page
  // that cannot be read is a permanent failure.
  const emitting = (part: SplitPart) => transient(`cannot write part ${part.index}`, () => emit(part));

  try {
    for await (const raw of rawPages(original, type.kind, ctx)) {
      page++;
      let d: PageDescriptor;
      if (raw.kind === 'text') {
        // A page with its own text layer (born digital, or OCR'd by the scanner) is content: copied as it is.
        d = { page, kind: 'content' };
        held.set(page, { kind: 'pdf-page', index: page - 1 });
      } else {
        d = await describeScanPage(
          { page, image: raw.input, dpi: raw.dpi, imagePage: raw.page },
          { detectBlank: blankPages !== 'keep' },
        );
        if (d.kind === 'content' || (d.kind === 'blank' && blankPages === 'keep')) {
          held.set(
            page,
            await partPageImage({
              input: raw.input,
              page: raw.page,
              dpi: raw.dpi,
              rotate: raw.rotate,
              limitInputPixels: ctx.config.limits.maxPixels,
            }),
          );
        }
      }
      ctx.log.debug({ page, kind: d.kind }, 'box scan page described');
      const closed = planner.push(d);
      if (closed) await emitting(closed);
    }
    const end = planner.end();
    if (end.part) await emitting(end.part);
    if (page === 0) throw new PermanentError('the file holds no pages');
    const plan: SplitPlan = { boxScan: sha, filename: box.filename, mode, pages: page, parts, summary: end.summary };
    await transient('cannot store the split plan', () =>
      ctx.store.put(keys.splitPlan(sha), Buffer.from(JSON.stringify(plan, null, 2))),
    );
    await transient('cannot record the split', () =>
      addStepEventOnce(ctx.db, {
        type: 'split',
        documentId: sha,
        batchId: job.batchId,
        actor: 'system',
        detail: {
          mode,
          pages: page,
          parts: parts.length,
          documents: parts.map((p) => p.documentId),
          separatorPages: end.summary.separatorPages,
          blankPages: end.summary.blankPages,
          warnings: end.summary.warnings,
        },
      }),
    );
    // The box scan's log (up to 'split') beside its plan, for a rebuild: it has no package of its own.
    await transient('cannot store the box scan events', () => storeBoxScanEvents(ctx, sha));
    // Last: 'split' is terminal, and a redelivered step is then skipped (see worker.runner.ts).
    await transient('cannot record the split', () => ctx.db.updateDocument(sha, { pageCount: page, status: 'split' }));
    const s = (performance.now() - started) / 1000;
    ctx.log.info(
      { pages: page, parts: parts.length, seconds: Math.round(s * 10) / 10, warnings: end.summary.warnings.length },
      'box scan split',
    );
    return { pageCount: page, parts: parts.length };
  } catch (err) {
    if (err instanceof PermanentError || err instanceof TransientError) throw err;
    throw new PermanentError(`cannot split the box scan at page ${page}: ${errorMessage(err)}`, { cause: err });
  }
}
