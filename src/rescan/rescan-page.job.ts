// Job "rescan-page": put a new scan of one page of an archived document in its archive package. The page is
// prepared and recognised like any page, the searchable PDF is rebuilt with the new page in place (the other pages
// copied from the edition it replaces), the previous edition of document.pdf and text.json is kept under its own
// name, the rescan joins the package as received, the manifest lists every version and the index forgets the old
// page text. The first original is never touched. Classification is kept: one page rarely changes it, and
// classifying again would reopen routing decisions people have already taken.
//
// Idempotent and resumable: every write goes to a name fixed by the version (edition n+1 is built from the kept copy
// of edition n), and the version is marked applied last; a run after a crash redoes the same writes.
import type { DocumentMetadata } from '../classify/document-metadata.ts';
import { PermanentError } from '../core/errors.ts';
import type { PageVersion } from '../db/page-versions.ts';
import { pageEntries } from '../index/index.job.ts';
import type { DocumentText } from '../ocr/assemble.job.ts';
import { pageRowsOf } from '../ocr/page-rows.ts';
import { buildDocumentPdf } from '../ocr/searchable-pdf.ts';
import { readFingerprint, sha256 } from '../store/hash.ts';
import { keys, PACKAGE_FILES } from '../store/keys.ts';
import type { Manifest, ManifestFile } from '../store/manifest.schema.ts';
import { ObjectNotFoundError, type ObjectStore } from '../store/object-store.ts';
import type { JobContext } from '../workers/job-context.ts';
import { pageVersionsSection, rescanFileName, reviseManifest } from './rescan.manifest.ts';
import { recogniseRescan } from './rescan-page.ocr.ts';
import type { RescanJob } from './rescan.queue.ts';

export interface RescanPageResult {
  skipped?: true;
  edition?: number;
  chars?: number;
  /** Time to prepare and recognise the page, and to write the new edition (PDF, text, manifest, index), ms. */
  ms?: { recognise: number; edition: number };
}

const readJson = async <T>(store: ObjectStore, key: string): Promise<T> =>
  JSON.parse((await store.getBuffer(key)).toString('utf8')) as T;

/** Writes `body` under `key` and checks the store gives back the same bytes; returns the manifest entry fields. */
async function putVerified(store: ObjectStore, key: string, body: Buffer | Uint8Array) {
  const info = await store.put(key, body);
  const back = await readFingerprint(store, key);
  if (back?.sha256 !== info.sha256 || back.size !== info.size) throw new Error(`fixity check failed for ${key}`);
  return { size: info.size, sha256: info.sha256 };
}

/** Copies `from` to `to` unless `to` exists (a re-run keeps the first copy); the copy must have `sha256`. */
async function keepCopy(store: ObjectStore, from: string, to: string, sha256: string) {
  const existing = await readFingerprint(store, to);
  if (existing) {
    if (existing.sha256 !== sha256) throw new PermanentError(`${to} does not have the fingerprint ${sha256}`);
    return existing;
  }
  const copy = await putVerified(store, to, await store.getBuffer(from));
  if (copy.sha256 !== sha256) {
    await store.delete(to);
    throw new PermanentError(`${from} does not have the fingerprint its manifest lists (${sha256}): not replaced`);
  }
  return copy;
}

export async function rescanPageJob(ctx: JobContext, job: RescanJob): Promise<RescanPageResult> {
  const { store, db } = ctx;
  const version = await db.getPageVersion(job.documentId, job.page, job.version);
  if (!version) throw new PermanentError(`page ${job.page} has no version ${job.version}`);
  if (version.status === 'applied') return { skipped: true };
  const doc = await db.getDocument(job.documentId);
  if (!doc?.archiveKey || doc.status !== 'archived') throw new PermanentError('the document is not archived');
  if (!doc.pageCount || job.page > doc.pageCount) throw new PermanentError(`the document has no page ${job.page}`);
  const all = await db.listPageVersions({ documentId: doc.id });
  // Rescans of one document apply in the order they were asked for: each edition is built on the one before.
  // (Also across worker processes: a later one retries until the earlier one is applied or has failed.)
  const before = (v: PageVersion) =>
    v.createdAt < version.createdAt ||
    (v.createdAt === version.createdAt &&
      (v.page < version.page || (v.page === version.page && v.version < version.version)));
  const earlier = all.find((v) => v.status === 'pending' && before(v));
  if (earlier) throw new Error(`waiting for the rescan of page ${earlier.page} (version ${earlier.version})`);
  const applied = all.filter((v) => v.status === 'applied');
  const previous = Math.max(1, ...applied.map((v) => v.edition ?? 1));
  const edition = previous + 1;

  const pkg = doc.archiveKey;
  const at = (name: string) => `${pkg}/${name}`;
  const manifest = await readJson<Manifest>(store, at(PACKAGE_FILES.manifest));
  const listed = (name: string) => {
    const f = manifest.files.find((x) => x.name === name);
    if (!f) throw new PermanentError(`the manifest lists no ${name}`);
    return f;
  };

  // 1. The new page, recognised before anything is written: a scan that cannot be read leaves the package as it was.
  const rescanName = rescanFileName(version);
  const inbox = keys.rescanInbox(doc.id, job.page, job.version);
  const source = (await store.head(inbox)) ? inbox : at(rescanName);
  const rescan = await store.getBuffer(source).catch((err: unknown) => {
    if (!(err instanceof ObjectNotFoundError)) throw err;
    throw new PermanentError(`the rescan of page ${job.page} (version ${job.version}) is missing`);
  });
  if (sha256(rescan) !== version.sha256)
    throw new PermanentError(`the stored rescan has SHA-256 ${sha256(rescan)}, expected ${version.sha256}`);
  const started = Date.now();
  const recognised = await recogniseRescan(ctx, rescan, job.page);
  const recognisedAt = Date.now();

  // 2. The edition being replaced, kept under its own names (the base of the new one, also on a re-run).
  const pdfName = PACKAGE_FILES.previousPdf(previous);
  const textName = PACKAGE_FILES.previousText(previous);
  const keptPdf = await keepCopy(
    store,
    at(PACKAGE_FILES.pdf),
    at(pdfName),
    manifest.files.find((f) => f.name === pdfName)?.sha256 ?? listed(PACKAGE_FILES.pdf).sha256,
  );
  const keptText = await keepCopy(
    store,
    at(PACKAGE_FILES.text),
    at(textName),
    manifest.files.find((f) => f.name === textName)?.sha256 ?? listed(PACKAGE_FILES.text).sha256,
  );

  // 3. The rescan as received joins the package (the inbox copy goes only once the version is applied), and the
  // new edition is built on the kept one.
  const placed =
    source === inbox ? await putVerified(store, at(rescanName), rescan) : await readFingerprint(store, at(rescanName));
  if (placed?.sha256 !== version.sha256) throw new Error(`fixity check failed for ${at(rescanName)}`);
  const basePdf = await store.getBuffer(at(pdfName));
  const baseText = await readJson<DocumentText>(store, at(textName));
  const pages = Array.from({ length: baseText.pages.length }, (_, i) =>
    i + 1 === job.page ? recognised.pdfPage : { copyOf: { pdf: basePdf, page: i + 1 } },
  );
  const { pdf, pdfa } = await buildDocumentPdf(pages, {
    title: doc.filename,
    producer: 'Faldone',
    creationDate: new Date(doc.createdAt),
  });
  const text: DocumentText = {
    ...baseText,
    pages: baseText.pages.map((p) => (p.page === job.page ? recognised.text : p)),
    pdfa,
  };
  const newPdf = await putVerified(store, at(PACKAGE_FILES.pdf), Buffer.from(pdf));
  const newText = await putVerified(store, at(PACKAGE_FILES.text), Buffer.from(JSON.stringify(text)));
  await db.replacePages(doc.id, pageRowsOf(doc.id, text.pages));

  // 4. The event, once per version, then the manifest that lists it.
  const events = await db.listEvents({ documentId: doc.id });
  const isThis = (d: Record<string, unknown> | undefined) => d?.page === job.page && d?.version === job.version;
  if (!events.some((e) => e.type === 'page-rescanned' && isThis(e.detail))) {
    await db.addEvent({
      type: 'page-rescanned',
      documentId: doc.id,
      batchId: doc.batchId,
      actor: version.createdBy,
      detail: {
        page: job.page,
        version: job.version,
        sha256: version.sha256,
        edition,
        ...(version.reason ? { reason: version.reason } : {}),
      },
    });
  }
  const thisApplied: PageVersion = { ...version, status: 'applied', edition };
  const files: ManifestFile[] = [
    { name: PACKAGE_FILES.pdf, role: 'copia-per-immagine-ricercabile', mediaType: 'application/pdf', ...newPdf },
    { name: PACKAGE_FILES.text, role: 'testo-ocr', mediaType: 'application/json', ...newText },
    { name: pdfName, role: 'copia-per-immagine-ricercabile-precedente', mediaType: 'application/pdf', ...keptPdf },
    { name: textName, role: 'testo-ocr-precedente', mediaType: 'application/json', ...keptText },
    { name: rescanName, role: 'scansione-sostitutiva-pagina', mediaType: version.mediaType, ...placed },
  ];
  const revised = reviseManifest(manifest, {
    files,
    pageVersions: pageVersionsSection(doc, [...applied, thisApplied]),
    edition,
    events: await db.listEvents({ documentId: doc.id }),
  });
  await store.put(at(PACKAGE_FILES.manifest), Buffer.from(JSON.stringify(revised, null, 2)));

  // 5. The index: the old page text goes, the new one is found.
  await ctx.search.upsertDocument(doc.id, pageEntries(doc, doc.classification as DocumentMetadata, text));

  // 6. Last: the version is applied; the inbox copy is no longer needed.
  await db.updatePageVersion(doc.id, job.page, job.version, {
    status: 'applied',
    appliedAt: new Date().toISOString(),
    edition,
    error: undefined,
  });
  await store.delete(inbox);
  const ms = { recognise: recognisedAt - started, edition: Date.now() - recognisedAt };
  const chars = recognised.text.text.length;
  ctx.log.info({ page: job.page, version: job.version, edition, chars, ms }, 'page rescan applied');
  return { edition, chars, ms };
}
