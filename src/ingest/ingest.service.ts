// Ingest: stream a received file to a local spool while hashing, de-duplicate by SHA-256, store the original, record
// the document, then (and only then) start its pipeline.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import type { Logger } from '../core/logger.ts';
import type { BatchItem, BoxSplitMode, MetadataStore } from '../db/metadata-store.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { keys } from '../store/keys.ts';
import { sniffType } from './sniff.ts';
import { safeDisplayName } from './filename.ts';
import { visitZip, ZipLimitError, type ZipLimits } from './zip-entries.ts';

/** Zip entry names that try to climb out of the archive or start at the root: refused, never used as paths. */
function unsafeEntryName(name: string): boolean {
  return name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.split(/[\\/]/).includes('..');
}

export interface IngestDeps {
  store: ObjectStore;
  db: MetadataStore;
  logger: Logger;
  spoolDir: string;
  maxFileBytes: number;
  zipLimits: ZipLimits;
  /** Called once the document row and its original exist. */
  startPipeline(documentId: string, batchId: string): Promise<void>;
}

export interface IngestOptions {
  /** The file is a box scan to split into documents (see src/ingest/box-scan.job.ts). */
  split?: BoxSplitMode;
}

export class IngestService {
  constructor(private readonly deps: IngestDeps) {}

  /**
   * Ingest one file of a batch. Never throws for a bad file: the outcome says what happened. With `opts.split` the
   * file is a box scan, split into documents at its separator sheets instead of being OCR'd (zip entries inherit it).
   */
  async ingest(
    batchId: string,
    rawName: string | undefined,
    body: Readable,
    depth = 0,
    opts: IngestOptions = {},
  ): Promise<BatchItem> {
    const { store, db, logger, maxFileBytes } = this.deps;
    const filename = safeDisplayName(rawName);
    const log = logger.child({ batchId, filename });
    await mkdir(this.deps.spoolDir, { recursive: true });
    const spool = path.join(this.deps.spoolDir, `${randomUUID()}.spool`);
    const hash = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    let tooLarge = false;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        // Past the limit keep reading (a multipart body must be consumed to reach the next file) but write nothing.
        if (size > maxFileBytes) tooLarge = true;
        if (tooLarge) return cb();
        if (head.length < 1024) head = Buffer.concat([head, chunk.subarray(0, 1024 - head.length)]);
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(spool));
      if (tooLarge) return await this.reject(batchId, filename, `file larger than the limit of ${maxFileBytes} bytes`);
      const sha = hash.digest('hex');
      const type = sniffType(head);
      if (type.kind === 'zip') {
        if (depth > 0) return await this.reject(batchId, filename, 'a zip inside a zip is not expanded');
        return await this.expandZip(batchId, filename, spool, sha, opts);
      }
      const existing = await db.getDocument(sha);
      if (existing) return await this.duplicate(batchId, filename, sha);

      const stored = await store.put(keys.original(sha), createReadStream(spool));
      if (stored.sha256 !== sha || stored.size !== size) {
        throw new Error(`original stored with a different fingerprint (${stored.sha256}, ${stored.size} bytes)`);
      }
      const { created } = await db.createDocument({
        id: sha,
        sha256: sha,
        batchId,
        filename,
        mediaType: type.mediaType,
        size,
        year: new Date().getUTCFullYear(),
      });
      if (!created) return await this.duplicate(batchId, filename, sha); // lost a race with the same bytes
      if (opts.split) await db.updateDocument(sha, { boxSplit: opts.split });
      const item: BatchItem = { batchId, filename, outcome: 'accepted', documentId: sha, sha256: sha };
      await db.addBatchItem(item);
      await db.addEvent({
        type: 'received',
        documentId: sha,
        batchId,
        actor: 'system',
        detail: { filename, size, mediaType: type.mediaType, ...(opts.split ? { split: opts.split } : {}) },
      });
      await this.deps.startPipeline(sha, batchId);
      log.info({ documentId: sha, size, mediaType: type.mediaType }, 'document received');
      return item;
    } finally {
      await rm(spool, { force: true });
    }
  }

  /** A zip container: kept as it came (containers/<sha>.zip), each entry ingested as a file of the same batch. */
  private async expandZip(
    batchId: string,
    filename: string,
    spool: string,
    sha: string,
    opts: IngestOptions,
  ): Promise<BatchItem> {
    const { store, db, logger } = this.deps;
    await store.put(`containers/${sha}.zip`, createReadStream(spool));
    const children: BatchItem[] = [];
    try {
      await visitZip(spool, this.deps.zipLimits, async (entry) => {
        const name = `${filename}/${entry.name}`;
        if (unsafeEntryName(entry.name)) {
          children.push(
            await this.reject(
              batchId,
              safeDisplayName(entry.name),
              `unsafe path in zip entry name ${JSON.stringify(entry.name.slice(0, 200))}`,
            ),
          );
          return;
        }
        children.push(await this.ingest(batchId, name, await entry.open(), 1, opts));
      });
    } catch (err) {
      const reason = err instanceof ZipLimitError ? err.message : `cannot read the zip: ${(err as Error).message}`;
      const item = await this.reject(batchId, filename, reason);
      return { ...item, sha256: sha, children };
    }
    const item: BatchItem = { batchId, filename, outcome: 'expanded', sha256: sha };
    await db.addBatchItem(item);
    await db.addEvent({
      type: 'expanded',
      batchId,
      actor: 'system',
      detail: { filename, sha256: sha, entries: children.length },
    });
    logger.info({ batchId, filename, entries: children.length }, 'zip expanded');
    return { ...item, children };
  }

  private async duplicate(batchId: string, filename: string, sha: string): Promise<BatchItem> {
    const item: BatchItem = { batchId, filename, outcome: 'duplicate', documentId: sha, sha256: sha };
    await this.deps.db.addBatchItem(item);
    await this.deps.db.addEvent({ type: 'duplicate', documentId: sha, batchId, actor: 'system', detail: { filename } });
    this.deps.logger.info({ batchId, documentId: sha, filename }, 'duplicate of an existing document');
    return item;
  }

  private async reject(batchId: string, filename: string, error: string): Promise<BatchItem> {
    const item: BatchItem = { batchId, filename, outcome: 'rejected', error };
    await this.deps.db.addBatchItem(item);
    await this.deps.db.addEvent({ type: 'rejected', batchId, actor: 'system', detail: { filename, error } });
    this.deps.logger.warn({ batchId, filename, error }, 'file rejected');
    return item;
  }
}
