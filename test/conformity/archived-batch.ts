// Archived documents made directly in the stores (no OCR run): packages with an original, a searchable PDF, the text
// and a manifest built by buildManifest, as the archive step writes them.
import { createHash } from 'node:crypto';
import type { DocumentMetadata } from '../../src/classify/document-metadata.ts';
import type { MetadataStore } from '../../src/db/metadata-store.ts';
import { keys, PACKAGE_FILES } from '../../src/store/keys.ts';
import { buildManifest, type ManifestFile } from '../../src/store/manifest.ts';
import type { ObjectStore } from '../../src/store/object-store.ts';

export interface ArchivedDocument {
  id: string;
  archiveKey: string;
  pages: number;
  filename: string;
}

const metadata: DocumentMetadata = {
  documentType: 'relazione-tecnica',
  documentTypeLabel: 'Relazione tecnica',
  confidence: 0.9,
  practice: { prefix: 'PE', number: 12, year: 1987, key: 'PE 12/1987' },
  dates: ['1987-05-04'],
  titolarioClass: 'VI.3',
  titolarioLabel: 'Edilizia privata',
  personalData: false,
  reasons: ['fabricated for the test'],
  classifier: 'test/1',
};

export async function archiveDocument(
  deps: { db: MetadataStore; store: ObjectStore },
  batchId: string,
  tag: string,
  pages: number,
): Promise<ArchivedDocument> {
  // Larger than a stream chunk, so hashing really streams.
  const original = Buffer.concat([Buffer.from(`II*\0 scansione ${tag}\n`), Buffer.alloc(90_000 + pages * 131, tag)]);
  const id = createHash('sha256').update(original).digest('hex');
  const archiveKey = keys.archive(2026, id);
  const files: Array<[string, ManifestFile['role'], string, Buffer]> = [
    [PACKAGE_FILES.original('tif'), 'originale', 'image/tiff', original],
    [
      PACKAGE_FILES.pdf,
      'copia-per-immagine-ricercabile',
      'application/pdf',
      Buffer.from(`%PDF-1.7\n% copia ${tag}\n%%EOF\n`),
    ],
    [
      PACKAGE_FILES.text,
      'testo-ocr',
      'application/json',
      Buffer.from(
        JSON.stringify({
          documentId: tag,
          pages: Array.from({ length: pages }, (_, i) => ({
            page: i + 1,
            text: `testo ${tag} ${i + 1}`,
            confidence: 0.9,
            widthPx: 2480,
            heightPx: 3508,
            dpi: 300,
            words: [],
            engine: { name: 'test', version: '1', languages: 'ita' },
            durationMs: 1,
          })),
        }),
      ),
    ],
  ];
  const manifestFiles: ManifestFile[] = [];
  for (const [name, role, mediaType, body] of files) {
    const info = await deps.store.put(`${archiveKey}/${name}`, body);
    manifestFiles.push({ name, role, mediaType, size: info.size, sha256: info.sha256 });
  }
  const filename = `${tag}.tif`;
  const { document } = await deps.db.createDocument({
    id,
    sha256: id,
    batchId,
    filename,
    mediaType: 'image/tiff',
    size: original.length,
    pageCount: pages,
    year: 2026,
  });
  const title = `Relazione tecnica ${tag}`;
  await deps.db.updateDocument(id, {
    status: 'archived',
    archiveKey,
    classification: metadata,
    title,
    pageCount: pages,
  });
  await deps.db.addEvent({ type: 'archived', documentId: id, batchId, actor: 'system', detail: { archiveKey } });
  const batch = (await deps.db.getBatch(batchId))!;
  const manifest = buildManifest({
    document: { ...document, pageCount: pages },
    batch,
    metadata,
    title,
    files: manifestFiles,
    events: await deps.db.listEvents({ documentId: id }),
  });
  await deps.store.put(`${archiveKey}/${PACKAGE_FILES.manifest}`, Buffer.from(JSON.stringify(manifest, null, 2)));
  return { id, archiveKey, pages, filename };
}
