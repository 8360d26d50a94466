// A part of a box scan becomes a document of the box scan's batch and Comune, as an uploaded file would: stored
// under the sha256 of its bytes, de-duplicated against every document, recorded as a batch item, then sent down the
// pipeline. Safe to repeat: a redelivered split finds its own part (same box scan, same part) and only completes
// what a crash may have left undone (batch item, event, first job).
import { createHash } from 'node:crypto';
import type { DocumentRecord, SplitOrigin } from '../db/metadata-store.ts';
import { keys } from '../store/keys.ts';
import type { Services } from '../workers/job-context.ts';

export interface SplitPartInput {
  box: DocumentRecord;
  batchId: string;
  filename: string;
  bytes: Buffer;
  origin: SplitOrigin;
}

export interface SplitPartOutcome {
  documentId: string;
  /** 'accepted': a document of this part; 'duplicate': the same bytes are already another document. */
  outcome: 'accepted' | 'duplicate';
  /** False when a previous run had already created it. */
  created: boolean;
}

type Deps = Pick<Services, 'db' | 'store' | 'pipeline' | 'logger'>;

export async function ingestSplitPart(deps: Deps, input: SplitPartInput): Promise<SplitPartOutcome> {
  const { db, store } = deps;
  const { box, batchId, filename, bytes, origin } = input;
  const sha = createHash('sha256').update(bytes).digest('hex');
  let created = false;
  let doc = await db.getDocument(sha);
  if (!doc) {
    const stored = await store.put(keys.original(sha), bytes);
    if (stored.sha256 !== sha) throw new Error(`part ${origin.part} stored with a different fingerprint`);
    const res = await db.createDocument({
      id: sha,
      sha256: sha,
      batchId,
      filename,
      mediaType: 'application/pdf',
      size: bytes.length,
      year: new Date().getUTCFullYear(),
      comune: box.comune,
      restricted: box.restricted,
    });
    created = res.created;
    doc = res.document;
  }
  if (!isOwnPart(doc, input)) return duplicate(deps, input, sha);
  if (!doc.splitOrigin) await db.updateDocument(sha, { splitOrigin: origin });
  if (!(await db.listBatchItems(batchId)).some((i) => i.documentId === sha && i.outcome === 'accepted')) {
    await db.addBatchItem({ batchId, filename, outcome: 'accepted', documentId: sha, sha256: sha });
  }
  if (!(await db.listEvents({ documentId: sha })).some((e) => e.type === 'received')) {
    await db.addEvent({
      type: 'received',
      documentId: sha,
      batchId,
      actor: 'system',
      detail: { filename, size: bytes.length, mediaType: 'application/pdf', boxScan: box.id, part: origin.part },
    });
  }
  // The job id de-duplicates against a job still waiting; a part already further on is left alone.
  if (doc.status === 'received') await deps.pipeline.add('prepare', { documentId: sha, batchId });
  return { documentId: sha, outcome: 'accepted', created };
}

/** The document is this part of this box scan (also when a crash came before its provenance was written). */
function isOwnPart(doc: DocumentRecord, input: SplitPartInput): boolean {
  if (doc.splitOrigin) return doc.splitOrigin.boxScan === input.box.id && doc.splitOrigin.part === input.origin.part;
  return doc.batchId === input.batchId && doc.filename === input.filename;
}

async function duplicate(deps: Deps, input: SplitPartInput, sha: string): Promise<SplitPartOutcome> {
  const { db } = deps;
  const { batchId, filename } = input;
  const items = await db.listBatchItems(batchId);
  if (!items.some((i) => i.documentId === sha && i.filename === filename && i.outcome === 'duplicate')) {
    await db.addBatchItem({ batchId, filename, outcome: 'duplicate', documentId: sha, sha256: sha });
    await db.addEvent({ type: 'duplicate', documentId: sha, batchId, actor: 'system', detail: { filename } });
    deps.logger.info({ batchId, documentId: sha, filename }, 'box scan part duplicates an existing document');
  }
  return { documentId: sha, outcome: 'duplicate', created: false };
}
