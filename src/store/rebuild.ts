// Rebuild from the store: the archive packages alone recreate the metadata database and the search index
// (the store is the source of truth; everything else is derived).
import type { DocumentMetadata } from '../classify/document-metadata.ts';
import { restoreConformity } from '../conformity/conformity-restore.ts';
import type { ConformityStore } from '../conformity/conformity-store.ts';
import type { MetadataStore } from '../db/metadata-store.ts';
import { pageEntries } from '../index/index.job.ts';
import type { SearchIndex } from '../index/search-index.ts';
import type { DocumentText } from '../ocr/assemble.job.ts';
import { packageOf } from './fixity.ts';
import { PACKAGE_FILES } from './keys.ts';
import type { Manifest } from './manifest.ts';
import type { ObjectStore } from './object-store.ts';
import { restorePageVersions } from '../rescan/rescan.rebuild.ts';
import { restoreSplitProvenance } from './split-rebuild.ts';

export interface RebuildReport {
  packages: number;
  documents: number; // rows created (packages already known are refreshed, not duplicated)
  /** Box scans recreated from their parts' provenance (they have no package of their own). */
  boxScans: number;
  pages: number;
  problems: Array<{ key: string; error: string }>;
}

export async function rebuildFromStore(
  /** With `conformity`, the attested conformity of batches (verification, attestation, signed file) comes back too. */
  deps: { store: ObjectStore; db: MetadataStore; search: SearchIndex; conformity?: ConformityStore },
  opts: { onProgress?: (done: number, total: number) => void } = {},
): Promise<RebuildReport> {
  const { store, db, search } = deps;
  const packages: string[] = [];
  for await (const key of store.list('archive/')) {
    if (key.endsWith(`/${PACKAGE_FILES.manifest}`) && packageOf(key)) packages.push(packageOf(key)!);
  }
  const report: RebuildReport = { packages: packages.length, documents: 0, boxScans: 0, pages: 0, problems: [] };
  const conformitySeen = new Set<string>();
  for (const [i, pkg] of packages.entries()) {
    opts.onProgress?.(i, packages.length);
    try {
      const manifest = JSON.parse((await store.getBuffer(`${pkg}/${PACKAGE_FILES.manifest}`)).toString('utf8')) as Manifest;
      const text = JSON.parse((await store.getBuffer(`${pkg}/${PACKAGE_FILES.text}`)).toString('utf8')) as DocumentText;
      const original = manifest.files.find((f) => f.role === 'originale');
      if (!original) throw new Error('manifest lists no original');
      const { lotto } = manifest;
      const ente = manifest.ente;
      if (!(await db.getBatch(lotto.id)))
        await db.createBatch({ id: lotto.id, label: lotto.etichetta, source: lotto.origine, createdAt: lotto.creato, ...(ente ? { comune: ente.codice } : {}) });
      const id = manifest.identificativo.id;
      const { created } = await db.createDocument({
        id,
        sha256: manifest.identificativo.impronta,
        batchId: lotto.id,
        filename: manifest.nomeOriginale,
        mediaType: original.mediaType,
        size: original.size,
        year: Number(pkg.split('/')[1]),
        createdAt: manifest.dataAcquisizione,
        ...(ente ? { comune: ente.codice, restricted: ente.accessoRiservato } : {}),
      });
      const metadata: DocumentMetadata = manifest.metadatiDescrittivi;
      const title = manifest.chiaveDescrittiva.oggetto;
      await db.updateDocument(id, { status: 'archived', archiveKey: pkg, classification: metadata, title, pageCount: text.pages.length });
      await db.replacePages(
        id,
        text.pages.map((p) => ({ documentId: id, page: p.page, widthPx: p.widthPx, heightPx: p.heightPx, dpi: p.dpi, confidence: p.confidence, chars: p.text.length, ...(p.quality ? { quality: p.quality } : {}) })),
      );
      if (created) {
        report.documents++;
        await db.addBatchItem({ batchId: lotto.id, filename: manifest.nomeOriginale, outcome: 'accepted', documentId: id, sha256: id });
        for (const e of manifest.tracciatureModifiche) {
          await db.addEvent({ at: e.data, type: e.tipo, documentId: id, batchId: lotto.id, actor: e.soggetto, detail: e.dettaglio });
        }
      }
      await restorePageVersions(db, id, manifest);
      if (await restoreSplitProvenance({ store, db }, id, manifest)) report.boxScans++;
      // The document as stored (a document that existed keeps its Comune and restriction).
      const stored = await db.getDocument(id);
      if (!stored) throw new Error(`document ${id} not stored`);
      const entries = pageEntries({ ...stored, title }, metadata, text);
      await search.upsertDocument(id, entries);
      report.pages += entries.length;
      if (deps.conformity) await restoreConformity({ store, conformity: deps.conformity }, manifest, conformitySeen);
    } catch (err) {
      report.problems.push({ key: pkg, error: (err as Error).message });
    }
  }
  opts.onProgress?.(packages.length, packages.length);
  return report;
}
