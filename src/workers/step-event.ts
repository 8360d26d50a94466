// Pipeline events are written once per run of the pipeline over a document: a step re-run after a crash or a
// duplicate delivery must not add a second "classified" or "indexed" row to the audit trail.
import type { EventRecord, MetadataStore } from '../db/metadata-store.ts';

const RUN_MARKERS = new Set(['received', 'reprocessed']);

export async function addStepEventOnce(
  db: MetadataStore,
  event: Omit<EventRecord, 'id' | 'at'> & { documentId: string },
): Promise<boolean> {
  const events = await db.listEvents({ documentId: event.documentId });
  let start = 0;
  events.forEach((e, i) => {
    if (RUN_MARKERS.has(e.type)) start = i;
  });
  if (events.slice(start).some((e) => e.type === event.type)) return false;
  await db.addEvent(event);
  return true;
}
