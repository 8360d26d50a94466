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
import type { BatchItem, MetadataStore } from '../db/metadata-store.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { keys } from '../store/keys.ts';
import { sniffType } from './sniff.ts';
import { safeDisplayName } from './filename.ts';

export interface IngestDeps {
  store: ObjectStore;
  db: MetadataStore;
  logger: Logger;
  spoolDir: string;
  maxFileBytes: number;
  /** Called once the document row and its original exist. */
  startPipeline(documentId: string, batchId: string): Promise<void>;
}

export class IngestService {
  constructor(private readonly deps: IngestDeps) {}

  /** Ingest one file of a batch. Never throws for a bad file: the outcome says what happened. */
  async ingest(batchId: string, rawName: string | undefined, body: Readable): Promise<BatchItem> {
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
      const existing = await db.getDocument(sha);
      if (existing) return await this.duplicate(batchId, filename, sha);

      const stored = await store.put(keys.original(sha), createReadStream(spool));
      if (stored.sha256 !== sha || stored.size !== size) {
        throw new Error(`original stored with a different fingerprint (${stored.sha256}, ${stored.size} bytes)`);
      }
      const type = sniffType(head);
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
      const item: BatchItem = { batchId, filename, outcome: 'accepted', documentId: sha, sha256: sha };
      await db.addBatchItem(item);
      await db.addEvent({ type: 'received', documentId: sha, batchId, actor: 'system', detail: { filename, size, mediaType: type.mediaType } });
      await this.deps.startPipeline(sha, batchId);
      log.info({ documentId: sha, size, mediaType: type.mediaType }, 'document received');
      return item;
    } finally {
      await rm(spool, { force: true });
    }
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
