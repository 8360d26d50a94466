// The archive package's manifest after a rescan: the stored manifest is revised, not rebuilt, so sections other
// steps added stay as they are. Files are listed by name (the searchable PDF and text get their new fingerprints,
// earlier editions and rescans are added), every page ever rescanned lists all its versions, and the event log is
// the document's as it stands.
import type { DocumentRecord, EventRecord } from '../db/metadata-store.ts';
import type { PageVersion } from '../db/page-versions.ts';
import { extensionOf } from '../ingest/sniff.ts';
import { PACKAGE_FILES } from '../store/keys.ts';
import { manifestSchema, type Manifest, type ManifestFile } from '../store/manifest.schema.ts';

type PageVersions = NonNullable<Manifest['versioniPagine']>;

/** The package file of a rescan. */
export const rescanFileName = (v: Pick<PageVersion, 'page' | 'version' | 'mediaType'>) =>
  PACKAGE_FILES.rescan(v.page, v.version, extensionOf(v.mediaType));

/** Each rescanned page with its versions: v1 from the first original, then every applied rescan in order. */
export function pageVersionsSection(doc: DocumentRecord, applied: PageVersion[]): PageVersions | undefined {
  const pages = [...new Set(applied.map((v) => v.page))].sort((a, b) => a - b);
  if (!pages.length) return undefined;
  const original = PACKAGE_FILES.original(extensionOf(doc.mediaType));
  return pages.map((pagina) => ({
    pagina,
    versioni: [
      {
        versione: 1,
        impronta: doc.sha256,
        file: original,
        paginaDelFile: pagina,
        data: doc.createdAt,
        soggetto: 'system',
        edizione: 1,
      },
      ...applied
        .filter((v) => v.page === pagina)
        .sort((a, b) => a.version - b.version)
        .map((v) => ({
          versione: v.version,
          impronta: v.sha256,
          file: rescanFileName(v),
          paginaDelFile: 1,
          data: v.createdAt,
          soggetto: v.createdBy,
          ...(v.reason ? { motivo: v.reason } : {}),
          edizione: v.edition ?? 1,
        })),
    ],
  }));
}

export function reviseManifest(
  current: Manifest,
  change: { files: ManifestFile[]; pageVersions: PageVersions | undefined; edition: number; events: EventRecord[] },
): Manifest {
  const files = [...current.files];
  for (const f of change.files) {
    const i = files.findIndex((x) => x.name === f.name);
    if (i >= 0) files[i] = f;
    else files.push(f);
  }
  return manifestSchema.parse({
    ...current,
    files,
    versioniPagine: change.pageVersions,
    edizione: change.edition,
    tracciatureModifiche: change.events.map((e) => ({
      data: e.at,
      tipo: e.type,
      soggetto: e.actor,
      dettaglio: e.detail,
    })),
  });
}
