// Step "prepare": sniff the original by content, split it into page images (OCR image + PDF image), then start the
// OCR flow. A PDF is split page by page: a page with a text layer keeps its text (no image, no OCR), a scanned page
// gives its image, any other page is rendered. Unsupported or corrupt files fail here, permanently, with a reason
// for people.
import sharp from 'sharp';
import { PermanentError, TransientError, errorMessage, transient } from '../core/errors.ts';
import { orientationProbeFor, type OrientationProbe } from '../ocr/orientation.ts';
import { preparePageImage, type PageCleanupRecord, type PreparePageImageOptions } from '../ocr/page-image.ts';
import { countPdfPages } from '../ocr/pdf-images.ts';
import { classifyPdfPages, type PdfPageKind } from '../ocr/pdf-page-kind.ts';
import { DEFAULT_RENDER_MAX_PIXELS } from '../ocr/pdf-render.ts';
import type { PdfTextLayer } from '../ocr/pdf-text.ts';
import type { PageQuality } from '../scan/page-quality.ts';
import { checkPreparedPage, recordPageQuality } from '../scan/page-quality.prepare.ts';
import { keys } from '../store/keys.ts';
import type { JobPayloads } from '../workers/job-catalogue.ts';
import type { JobContext } from '../workers/job-context.ts';
import { splitBoxScanJob } from './box-scan.job.ts';
import { sniffType } from './sniff.ts';

export interface PageManifestEntry {
  page: number;
  widthPx: number;
  heightPx: number;
  dpi: number;
  /** How the page is read: OCR of its image ('image', 'render') or its own text layer ('text'). Absent = 'image'. */
  kind?: PdfPageKind;
  /** Why a PDF page got its kind, for people. */
  reason?: string;
  /** The clean-up steps applied to the page image (none for a text page). */
  cleanup?: PageCleanupRecord;
  /** Page quality warnings and measures of a scanned page (src/scan/page-quality.ts). */
  quality?: PageQuality;
}

export interface PageManifest {
  pages: PageManifestEntry[];
  sourceKind: string;
}

export type RawPage =
  | {
      kind: 'image' | 'render';
      input: Buffer;
      page?: number; // page of a multi-page TIFF
      dpi?: number; // known from the PDF page geometry or the rendering
      rotate?: 0 | 90 | 180 | 270;
      reason?: string;
    }
  | { kind: 'text'; layer: PdfTextLayer; reason: string };

/** Yield the raw pages of an original, one at a time so a long TIFF never sits decoded in memory. */
export async function* rawPages(original: Buffer, kind: string, ctx: JobContext): AsyncGenerator<RawPage> {
  const { maxPixels, maxPages } = ctx.config.limits;
  if (kind === 'tiff') {
    const meta = await sharp(original, { limitInputPixels: maxPixels }).metadata();
    const count = meta.pages ?? 1;
    if (count > maxPages) throw new PermanentError(`the TIFF has ${count} pages, more than the limit of ${maxPages}`);
    for (let i = 0; i < count; i++) {
      yield { kind: 'image', input: original, page: i };
    }
  } else if (kind === 'jpeg' || kind === 'png') {
    yield { kind: 'image', input: original };
  } else if (kind === 'pdf') {
    const count = await countPdfPages(original);
    if (count > maxPages) throw new PermanentError(`the PDF has ${count} pages, more than the limit of ${maxPages}`);
    for await (const p of classifyPdfPages(original, {
      limitInputPixels: maxPixels,
      maxRenderPixels: Math.min(maxPixels, DEFAULT_RENDER_MAX_PIXELS),
    })) {
      if (p.kind === 'text') yield { kind: 'text', layer: p.textLayer, reason: p.reason };
      else if (p.kind === 'image') yield { kind: 'image', ...p.image, reason: p.reason };
      else yield { kind: 'render', input: p.rendered.png, dpi: p.rendered.dpi, reason: p.reason };
    }
  } else if (original.length === 0) {
    throw new PermanentError('the file is empty (0 bytes)');
  } else {
    throw new PermanentError('unsupported file type: not a TIFF, JPEG, PNG or PDF (checked by content, not by name)');
  }
}

const probes = new Map<string, Promise<OrientationProbe | undefined>>();

/** Page clean-up options from config; the orientation probe is made once per process and kind. */
export async function cleanupOptions(ctx: JobContext): Promise<Pick<PreparePageImageOptions, 'cleanup' | 'median'>> {
  const c = ctx.config.ocr.cleanup;
  let probe = probes.get(c.orientationProbe);
  if (!probe) probes.set(c.orientationProbe, (probe = orientationProbeFor(c.orientationProbe)));
  return {
    median: c.median,
    cleanup: {
      orientation: c.orientation,
      orientationMinConfidence: c.orientationMinConfidence,
      orientationProbe: await probe,
      deskew: c.deskew,
      deskewMaxDegrees: c.deskewMaxDegrees,
      deskewMinDegrees: c.deskewMinDegrees,
      contrast: c.contrast === 'off' ? false : c.contrast,
      trimBorders: c.trimBorders,
      borderMaxFraction: c.borderMaxFraction,
    },
  };
}

export async function prepareJob(ctx: JobContext, job: JobPayloads['prepare']): Promise<{ pageCount: number }> {
  const sha = job.documentId;
  const doc = await ctx.db.getDocument(sha);
  if (doc?.boxSplit) return splitBoxScanJob(ctx, job, doc);
  const original = await ctx.store.getBuffer(keys.original(sha));
  const type = sniffType(original.subarray(0, 1024));
  const manifest: PageManifest = { pages: [], sourceKind: type.kind };
  let page = 0;
  let qualityMs = 0;
  try {
    for await (const raw of rawPages(original, type.kind, ctx)) {
      page++;
      const reason = type.kind === 'pdf' ? { reason: raw.reason } : {};
      if (raw.kind === 'text') {
        // No image: the ocr-page step reads this text layer, the assemble step copies the original page.
        const { widthPx, heightPx, dpi } = raw.layer;
        await transient('cannot store the page', () =>
          ctx.store.put(keys.pageTextLayer(sha, page), Buffer.from(JSON.stringify(raw.layer))),
        );
        manifest.pages.push({ page, widthPx, heightPx, dpi, kind: 'text', ...reason });
        continue;
      }
      const prepared = await preparePageImage(raw.input, {
        page: raw.page,
        dpi: raw.dpi,
        rotate: raw.rotate,
        limitInputPixels: ctx.config.limits.maxPixels,
        // A rendered page is exactly what a viewer shows: no scanner noise, skew or borders to correct, and its
        // orientation is the page's own. Cleaning it could only do harm (e.g. trim a dark header as a border).
        ...(raw.kind === 'render' ? { cleanup: false as const, median: 0 } : await cleanupOptions(ctx)),
      });
      const checked = checkPreparedPage(ctx.config.scan, prepared, raw.kind === 'render');
      qualityMs += checked?.ms ?? 0;
      await transient('cannot store the page', () => ctx.store.put(keys.pageOcrImage(sha, page), prepared.ocrImage));
      await transient('cannot store the page', () => ctx.store.put(keys.pagePdfImage(sha, page), prepared.pdfImage));
      manifest.pages.push({
        page,
        widthPx: prepared.widthPx,
        heightPx: prepared.heightPx,
        dpi: prepared.dpi,
        kind: raw.kind,
        ...reason,
        cleanup: prepared.cleanup,
        ...(checked ? { quality: checked.quality } : {}),
      });
    }
  } catch (err) {
    // A store outage is retried; sharp and the PDF parser report corrupt input as plain errors: nothing a retry can fix.
    if (err instanceof PermanentError || err instanceof TransientError) throw err;
    throw new PermanentError(`cannot read ${type.kind.toUpperCase()} page ${page + 1}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  if (page === 0) throw new PermanentError('the file holds no pages');
  await ctx.store.put(keys.pagesManifest(sha), Buffer.from(JSON.stringify(manifest)));
  const quality = await recordPageQuality(ctx.db, sha, manifest.pages);
  await ctx.db.updateDocument(sha, { pageCount: page });
  await ctx.pipeline.addOcrFlow({ documentId: sha, batchId: job.batchId, pageCount: page });
  const kinds = manifest.pages.reduce<Record<string, number>>(
    (n, p) => ({ ...n, [p.kind ?? 'image']: (n[p.kind ?? 'image'] ?? 0) + 1 }),
    {},
  );
  ctx.log.info(
    { pages: page, kind: type.kind, pageKinds: kinds, quality: { ...quality, ms: Math.round(qualityMs) } },
    'pages prepared',
  );
  return { pageCount: page };
}
