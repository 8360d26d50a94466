// The inbox: scanning stations drop files under a prefix of the object store (a bucket prefix on S3/MinIO, a folder
// on the filesystem store). Each poll takes what is there into one batch and moves every file to done/ or failed/.
import path from 'node:path';
import type { Logger } from '../core/logger.ts';
import type { BatchItem, MetadataStore } from '../db/metadata-store.ts';
import type { ObjectStore } from '../store/object-store.ts';
import type { IngestService } from './ingest.service.ts';

export interface InboxOptions {
  newPrefix: string; // e.g. "inbox/new/"
  donePrefix: string; // e.g. "inbox/done/"
  failedPrefix: string; // e.g. "inbox/failed/"
  maxFilesPerPoll: number;
  /** Comune of the inbox batches (the union's default Comune); the store's default when absent. */
  comune?: string;
  /** Inbox documents visible only to the Comune's staff. */
  restricted?: boolean;
}

export interface InboxPollResult {
  batchId?: string;
  picked: number;
  items: BatchItem[];
}

/** Move within the store: copy, then delete the source (stores have no rename that spans all adapters). */
async function move(store: ObjectStore, from: string, to: string): Promise<void> {
  await store.put(to, await store.get(from));
  await store.delete(from);
}

export async function pollInbox(
  deps: { store: ObjectStore; db: MetadataStore; ingest: IngestService; logger: Logger },
  opts: InboxOptions,
): Promise<InboxPollResult> {
  const keys: string[] = [];
  for await (const key of deps.store.list(opts.newPrefix)) {
    keys.push(key);
    if (keys.length >= opts.maxFilesPerPoll) break;
  }
  if (keys.length === 0) return { picked: 0, items: [] };
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const batch = await deps.db.createBatch({
    label: `inbox ${stamp}`,
    source: 'inbox',
    ...(opts.comune === undefined ? {} : { comune: opts.comune }),
    ...(opts.restricted === undefined ? {} : { restricted: opts.restricted }),
  });
  const items: BatchItem[] = [];
  for (const key of keys) {
    const relative = key.slice(opts.newPrefix.length);
    let item: BatchItem;
    try {
      item = await deps.ingest.ingest(batch.id, path.posix.basename(relative), await deps.store.get(key));
    } catch (err) {
      // Storage trouble: leave the file where it is for the next poll.
      deps.logger.error({ err, key, batchId: batch.id }, 'inbox file could not be ingested; left in place');
      continue;
    }
    items.push(item);
    const target = item.outcome === 'rejected' ? opts.failedPrefix : opts.donePrefix;
    await move(deps.store, key, `${target}${batch.id}/${relative}`);
    if (item.outcome === 'rejected') {
      await deps.store.put(`${target}${batch.id}/${relative}.reason.txt`, Buffer.from(`${item.error ?? 'rejected'}\n`));
    }
  }
  deps.logger.info({ batchId: batch.id, files: items.length }, 'inbox batch created');
  return { batchId: batch.id, picked: items.length, items };
}
