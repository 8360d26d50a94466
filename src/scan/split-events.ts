// The event log of a box scan kept in the store (splits/<sha>/events.json), beside its plan: a box scan has no
// archive package whose manifest would carry its log (tracciatureModifiche), so this copy is what a rebuild puts back.
import type { MetadataStore } from '../db/metadata-store.ts';
import { keys } from '../store/keys.ts';
import type { ObjectStore } from '../store/object-store.ts';

/** One event, in the shape of a manifest's tracciatureModifiche. */
export interface StoredEvent {
  data: string;
  tipo: string;
  soggetto: string;
  dettaglio?: Record<string, unknown>;
}

export interface BoxScanEventLog {
  boxScan: string;
  tracciatureModifiche: StoredEvent[];
}

/** Writes the box scan's events as the database holds them now (the same bytes again when nothing was added). */
export async function storeBoxScanEvents(deps: { db: MetadataStore; store: ObjectStore }, boxScanId: string) {
  const events = await deps.db.listEvents({ documentId: boxScanId });
  const log: BoxScanEventLog = {
    boxScan: boxScanId,
    tracciatureModifiche: events.map((e) => ({
      data: e.at,
      tipo: e.type,
      soggetto: e.actor,
      ...(e.detail ? { dettaglio: e.detail } : {}),
    })),
  };
  await deps.store.put(keys.splitEvents(boxScanId), Buffer.from(JSON.stringify(log, null, 2)), {
    contentType: 'application/json',
  });
}

/** The stored event log of a box scan, or null when it has none (split before the log was kept). */
export async function readBoxScanEvents(store: ObjectStore, boxScanId: string): Promise<BoxScanEventLog | null> {
  const key = keys.splitEvents(boxScanId);
  if (!(await store.head(key))) return null;
  const log = JSON.parse((await store.getBuffer(key)).toString('utf8')) as BoxScanEventLog;
  if (log.boxScan !== boxScanId || !Array.isArray(log.tracciatureModifiche))
    throw new Error(`${key} is not the event log of box scan ${boxScanId}`);
  return log;
}
