// Rescans asked for over the API: the new scan of a page is fingerprinted and stored as an original of its own, its
// version recorded, and the rescan job enqueued (after the state is written). Also the history of a page's versions.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Queue } from 'bullmq';
import sharp from 'sharp';
import type { DocumentRecord } from '../db/metadata-store.ts';
import type { PageVersion, PageVersionView } from '../db/page-versions.ts';
import { safeDisplayName } from '../ingest/filename.ts';
import { sniffType } from '../ingest/sniff.ts';
import { countPdfPages } from '../ocr/pdf-images.ts';
import { hashingMeter } from '../store/hash.ts';
import { keys } from '../store/keys.ts';
import type { Services } from '../workers/job-context.ts';
import { enqueueRescan } from './rescan.queue.ts';

export type { PageVersionView };

export class RescanError extends Error {
  constructor(
    message: string,
    readonly statusCode: 400 | 404 | 409 | 413 | 415 | 422,
    readonly code: string,
  ) {
    super(message);
    this.name = 'RescanError';
  }
}

type Deps = Pick<Services, 'db' | 'store' | 'config' | 'logger'>;

/** The bytes of a rescan are one page: a single-page TIFF, a JPEG, a PNG or a one-page PDF. */
async function checkOnePage(file: string, head: Buffer, maxPixels: number): Promise<{ mediaType: string }> {
  const type = sniffType(head);
  if (type.kind === 'jpeg' || type.kind === 'png') return type;
  if (type.kind === 'tiff') {
    const pages = await sharp(file, { limitInputPixels: maxPixels })
      .metadata()
      .then((m) => m.pages ?? 1)
      .catch(() => 0);
    if (pages !== 1)
      throw new RescanError(
        pages ? `il TIFF ha ${pages} pagine: serve una pagina sola` : 'TIFF illeggibile',
        422,
        'NOT_ONE_PAGE',
      );
    return type;
  }
  if (type.kind === 'pdf') {
    const pages = await countPdfPages(await readFile(file)).catch(() => 0);
    if (pages !== 1)
      throw new RescanError(
        pages ? `il PDF ha ${pages} pagine: serve una pagina sola` : 'PDF illeggibile',
        422,
        'NOT_ONE_PAGE',
      );
    return type;
  }
  throw new RescanError(
    'formato non supportato: serve un TIFF, JPEG, PNG o un PDF di una pagina',
    415,
    'UNSUPPORTED_TYPE',
  );
}

export async function requestRescan(
  deps: Deps & { queue: Queue },
  doc: DocumentRecord,
  input: { page: number; filename?: string; body: Readable; by: string; reason?: string },
): Promise<PageVersion> {
  const { db, store, config, logger } = deps;
  if (doc.status !== 'archived' || !doc.archiveKey)
    throw new RescanError(
      `solo un documento archiviato può avere pagine riscansionate (questo è ${doc.status})`,
      409,
      'NOT_ARCHIVED',
    );
  if (!doc.pageCount || input.page > doc.pageCount)
    throw new RescanError(`il documento non ha la pagina ${input.page}`, 404, 'NO_SUCH_PAGE');
  const spoolDir = path.join(config.dataDir, 'spool');
  await mkdir(spoolDir, { recursive: true });
  const spool = path.join(spoolDir, `${randomUUID()}.rescan`);
  try {
    const { meter, digest, size } = hashingMeter();
    let head = Buffer.alloc(0);
    meter.on('data', (chunk: Buffer) => {
      if (head.length < 1024) head = Buffer.concat([head, chunk.subarray(0, 1024 - head.length)]);
    });
    await pipeline(input.body, meter, createWriteStream(spool));
    if ((input.body as { truncated?: boolean }).truncated || size() > config.limits.maxFileBytes)
      throw new RescanError(`file più grande del limite di ${config.limits.maxFileBytes} byte`, 413, 'TOO_LARGE');
    if (size() === 0) throw new RescanError('il file è vuoto', 400, 'EMPTY');
    const { mediaType } = await checkOnePage(spool, head, config.limits.maxPixels);
    const version = await db.addPageVersion({
      documentId: doc.id,
      page: input.page,
      sha256: digest(),
      size: size(),
      mediaType,
      filename: safeDisplayName(input.filename),
      createdBy: input.by,
      ...(input.reason ? { reason: input.reason } : {}),
    });
    const inbox = keys.rescanInbox(doc.id, version.page, version.version);
    const stored = await store.put(inbox, createReadStream(spool));
    if (stored.sha256 !== version.sha256) {
      await db.updatePageVersion(doc.id, version.page, version.version, {
        status: 'failed',
        error: 'stored with a different fingerprint',
      });
      throw new Error(`rescan stored with a different fingerprint (${stored.sha256})`);
    }
    await db.addEvent({
      type: 'page-rescan-requested',
      documentId: doc.id,
      batchId: doc.batchId,
      actor: input.by,
      detail: {
        page: version.page,
        version: version.version,
        sha256: version.sha256,
        filename: version.filename,
        ...(input.reason ? { reason: input.reason } : {}),
      },
    });
    await enqueueRescan(deps.queue, deps, {
      documentId: doc.id,
      batchId: doc.batchId,
      page: version.page,
      version: version.version,
    });
    logger.info(
      { documentId: doc.id, page: version.page, version: version.version, by: input.by },
      'page rescan received',
    );
    return version;
  } finally {
    await rm(spool, { force: true });
  }
}

/** Every version of a page, oldest first: v1 (the page of the first original) then each rescan. */
export async function pageHistory(
  deps: Pick<Services, 'db' | 'store'>,
  doc: DocumentRecord,
  page: number,
): Promise<PageVersionView[]> {
  const rows = await deps.db.listPageVersions({ documentId: doc.id, page });
  const applied = rows.filter((v) => v.status === 'applied').map((v) => v.version);
  const current = Math.max(1, ...applied);
  const received = (await deps.db.listEvents({ documentId: doc.id })).find((e) => e.type === 'received');
  const first: PageVersionView = {
    version: 1,
    sha256: doc.sha256,
    at: doc.createdAt,
    by: received?.actor ?? 'system',
    status: 'applied',
    current: current === 1,
    mediaType: doc.mediaType,
    filename: doc.filename,
    size: doc.size,
  };
  return [
    first,
    ...rows
      .sort((a, b) => a.version - b.version)
      .map((v) => ({
        version: v.version,
        sha256: v.sha256,
        at: v.createdAt,
        by: v.createdBy,
        ...(v.reason ? { reason: v.reason } : {}),
        status: v.status,
        ...(v.error ? { error: v.error } : {}),
        current: v.version === current,
        mediaType: v.mediaType,
        filename: v.filename,
        size: v.size,
      })),
  ];
}
