// Rebuild from the store: the page versions a manifest lists come back as applied rows (v1 needs none).
import type { MetadataStore } from '../db/metadata-store.ts';
import type { Manifest } from '../store/manifest.schema.ts';

export async function restorePageVersions(db: MetadataStore, documentId: string, manifest: Manifest): Promise<number> {
  let restored = 0;
  for (const { pagina, versioni } of manifest.versioniPagine ?? []) {
    for (const v of versioni) {
      if (v.versione < 2) continue;
      const file = manifest.files.find((f) => f.name === v.file);
      const applied = manifest.tracciatureModifiche.find(
        (e) => e.tipo === 'page-rescanned' && e.dettaglio?.page === pagina && e.dettaglio?.version === v.versione,
      );
      await db.addPageVersion({
        documentId,
        page: pagina,
        version: v.versione,
        sha256: v.impronta,
        size: file?.size ?? 0,
        mediaType: file?.mediaType ?? 'application/octet-stream',
        filename: v.file,
        createdBy: v.soggetto,
        ...(v.motivo ? { reason: v.motivo } : {}),
        createdAt: v.data,
        status: 'applied',
        appliedAt: applied?.data ?? v.data,
        edition: v.edizione,
      });
      restored++;
    }
  }
  return restored;
}
