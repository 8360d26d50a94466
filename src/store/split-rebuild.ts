// Rebuild from the store: a part of a box scan gets its split origin back from its manifest's `provenienza`, and its
// box scan (which has no archive package: its original and split plan are kept whole beside the packages) comes back
// as a document of the part's batch, 'split' in its split mode, with the page count of its plan when that is stored
// and its event log when that is (splits/<sha>/events.json).
import type { MetadataStore } from '../db/metadata-store.ts';
import { readBoxScanEvents } from '../scan/split-events.ts';
import { readSplitPlan } from '../scan/split-plan.ts';
import type { Manifest } from './manifest.schema.ts';
import type { ObjectStore } from './object-store.ts';
import { splitOriginOf } from './split-provenance.ts';

/** Restores the part's provenance and its box scan's row; true when the box scan row was created. */
export async function restoreSplitProvenance(
  deps: { store: ObjectStore; db: MetadataStore },
  documentId: string,
  manifest: Manifest,
): Promise<boolean> {
  const p = manifest.provenienza;
  if (!p) return false;
  const { db, store } = deps;
  await db.updateDocument(documentId, { splitOrigin: splitOriginOf(p) });
  const box = p.scansioneDiScatola;
  if (await db.getDocument(box.impronta)) return false;
  const { lotto, ente } = manifest;
  const { created } = await db.createDocument({
    id: box.impronta,
    sha256: box.impronta,
    batchId: lotto.id,
    filename: box.nomeOriginale,
    mediaType: box.formato,
    size: box.dimensione,
    year: new Date(box.dataAcquisizione).getUTCFullYear(),
    createdAt: box.dataAcquisizione,
    ...(ente ? { comune: ente.codice, restricted: ente.accessoRiservato } : {}),
  });
  const plan = await readSplitPlan(store, box.impronta).catch(() => null);
  await db.updateDocument(box.impronta, {
    status: 'split',
    boxSplit: plan?.mode ?? box.modalitaSuddivisione,
    ...(plan ? { pageCount: plan.pages } : {}),
  });
  if (created) {
    await db.addBatchItem({
      batchId: lotto.id,
      filename: box.nomeOriginale,
      outcome: 'accepted',
      documentId: box.impronta,
      sha256: box.impronta,
    });
    // Its event log, like a document's from its manifest (none for a box scan split before the log was stored).
    const log = await readBoxScanEvents(store, box.impronta);
    for (const e of log?.tracciatureModifiche ?? [])
      await db.addEvent({
        at: e.data,
        type: e.tipo,
        documentId: box.impronta,
        batchId: lotto.id,
        actor: e.soggetto,
        ...(e.dettaglio ? { detail: e.dettaglio } : {}),
      });
  }
  return created;
}
