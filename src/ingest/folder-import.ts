// Bulk import of a folder: every scan under it (recursively) becomes part of one batch. Sidecar files are skipped.
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { BatchItem, BoxSplitMode, MetadataStore } from '../db/metadata-store.ts';
import type { IngestService } from './ingest.service.ts';

export const SCAN_EXTENSIONS = ['.tif', '.tiff', '.jpg', '.jpeg', '.png', '.pdf', '.zip'];

export async function listScans(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && SCAN_EXTENSIONS.includes(path.extname(e.name).toLowerCase()))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

export interface FolderImportOptions {
  label?: string;
  source?: string;
  /** Comune the batch (and so its documents) belongs to; the store's default Comune when absent. */
  comune?: string;
  /** Documents visible only to the Comune's staff. */
  restricted?: boolean;
  /** Every file is a box scan, split into documents at its separator sheets (and blank pages with 'separators+blank'). */
  split?: BoxSplitMode;
  onItem?: (item: BatchItem, index: number, total: number) => void;
}

export async function importFolder(
  deps: { db: MetadataStore; ingest: IngestService },
  folder: string,
  opts: FolderImportOptions = {},
): Promise<{ batchId: string; items: BatchItem[] }> {
  const files = await listScans(folder);
  const batch = await deps.db.createBatch({
    label: opts.label ?? path.basename(path.resolve(folder)),
    source: opts.source ?? 'cli',
    ...(opts.comune === undefined ? {} : { comune: opts.comune }),
    ...(opts.restricted === undefined ? {} : { restricted: opts.restricted }),
  });
  const items: BatchItem[] = [];
  for (const [i, file] of files.entries()) {
    const item = await deps.ingest.ingest(batch.id, path.relative(folder, file), createReadStream(file), 0, {
      split: opts.split,
    });
    items.push(item);
    opts.onItem?.(item, i, files.length);
  }
  return { batchId: batch.id, items };
}
