// Submission package (PdV, pacchetto di versamento) for an accredited conservation service: select archived documents,
// then stream their archive packages into one tar:
//
//   PdV-<id>/indice.xml          the index, in the style of UNI 11386:2010 (SInCRO), see pdv-index.ts
//   PdV-<id>/pdv.json            machine-readable summary (selection, documents, files with SHA-256 and size)
//   PdV-<id>/<sha256>/manifest.json
//   PdV-<id>/<sha256>/<every file listed in the manifest>
//   PdV-<id>/conformita/…, PdV-<id>/scansioni-di-scatola/…   files the manifests cite outside their packages: the
//                                signed attestation of conformity and the box scans parts come from (pdv-related.ts)
//
// Objects are streamed from the store into the tar (constant memory; only the small JSON manifests are buffered), and
// the SHA-256 and size of each one are computed on the way: the entry is closed only when both equal the manifest's,
// otherwise the export aborts naming the object. A damaged archive is never exported silently; with
// exportPdvToFile the partial tar is removed.
//
// Selection (every criterion given must hold):
// - practice: the practice key of the document's metadata ("PE 123/1987"; spaces and case are not significant);
// - from / to: inclusive calendar days (YYYY-MM-DD, UTC) of the ACQUISITION date of the document, i.e. its createdAt
//   in the metadata store (= dataAcquisizione of the manifest), not the dates found in its text;
// - titolarioClass: exact class, or any subclass of it ("VI" matches "VI" and "VI.3", not "VII").
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack as tarPack, type Pack } from 'tar-stream';
import type { DocumentMetadata } from '../classify/document-metadata.ts';
import type { DocumentRecord, MetadataStore } from '../db/metadata-store.ts';
import { PACKAGE_FILES } from './keys.ts';
import { manifestSchema, type Manifest } from './manifest.schema.ts';
import type { ObjectStore } from './object-store.ts';
import { buildIndexXml, INDEX_FILE, type PdvIndexGroup } from './pdv-index.ts';
import { planRelated, type PlannedRelated } from './pdv-related.ts';

export const PDV_SUMMARY_FILE = 'pdv.json';
export const PDV_SUMMARY_VERSION = 'faldone.pdv/1';
export const DEFAULT_PRODUCER = 'Faldone';
/** Role of manifest.json in the index and in pdv.json (the manifest does not list itself). */
export const MANIFEST_ROLE = 'manifest';

export interface PdvSelection {
  /** Practice key, e.g. "PE 123/1987". */
  practice?: string;
  /** First acquisition day, inclusive (YYYY-MM-DD, UTC). */
  from?: string;
  /** Last acquisition day, inclusive (YYYY-MM-DD, UTC). */
  to?: string;
  /** Titolario class, exact or prefix at a "." boundary: "VI" matches "VI.3". */
  titolarioClass?: string;
}

export interface PdvApplication {
  name: string;
  version: string;
  producer: string;
}

export interface PdvSummaryFile {
  /** Relative to the PdV root folder. */
  path: string;
  role: string;
  mediaType: string;
  size: number;
  sha256: string;
}

export interface PdvSummaryDocument {
  id: string;
  folder: string;
  archiveKey: string;
  filename: string;
  title?: string;
  practice?: string;
  titolarioClass?: string;
  dataAcquisizione: string;
  files: PdvSummaryFile[];
}

/** Files outside the document folders that the documents' manifests cite (see pdv-related.ts). */
export interface PdvSummaryRelated {
  kind: PlannedRelated['kind'];
  /** The batch (conformita) or the box scan's SHA-256 (scansione-di-scatola). */
  id: string;
  files: PdvSummaryFile[];
}

export interface PdvSummary {
  versione: typeof PDV_SUMMARY_VERSION;
  id: string;
  root: string;
  created: string;
  producer: string;
  application: PdvApplication;
  selection: PdvSelection & { dateField: 'createdAt' };
  hash: { algorithm: 'SHA-256'; encoding: 'hex' };
  documents: PdvSummaryDocument[];
  related: PdvSummaryRelated[];
  totals: { documents: number; files: number; bytes: number };
}

export interface PdvProgress {
  documents: number;
  totalDocuments: number;
  bytes: number;
  totalBytes: number;
  /** Path in the tar of the file being written. */
  current?: string;
}

export interface PdvExportOptions {
  selection: PdvSelection;
  /** Identifier of the submission; the root folder is PdV-<id>. Default: timestamp + random suffix. */
  id?: string;
  /** ISO timestamp of the submission (index TimeReference, pdv.json, tar mtimes). Default: now. */
  created?: string;
  /** The producer organisation (index Process/Agent). Default "Faldone". */
  producer?: string;
  application?: Partial<PdvApplication>;
  onProgress?: (p: PdvProgress) => void;
}

export interface PdvExportResult {
  id: string;
  root: string;
  created: string;
  documents: number;
  /** Files written, manifests, indice.xml and pdv.json included. */
  files: number;
  /** Bytes of file content written (not counting tar headers). */
  bytes: number;
  summary: PdvSummary;
}

export class PdvExportError extends Error {
  override name = 'PdvExportError';
}

export class EmptySelectionError extends PdvExportError {
  override name = 'EmptySelectionError';
  constructor(readonly selection: PdvSelection) {
    super(`no archived document matches the selection (${describeSelection(selection)})`);
  }
}

/** A stored object differs from its manifest: the export is aborted. */
export class PdvIntegrityError extends PdvExportError {
  override name = 'PdvIntegrityError';
  constructor(readonly key: string, detail: string) {
    super(`export aborted: ${key} ${detail}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Selection

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function checkDay(value: string, what: string): string {
  const d = new Date(`${value}T00:00:00Z`);
  if (!DAY.test(value) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw new PdvExportError(`invalid ${what} date ${JSON.stringify(value)}: expected YYYY-MM-DD`);
  }
  return value;
}

const normPractice = (s: string) => s.trim().replace(/\s+/g, ' ').toUpperCase();
const normClass = (s: string) => s.trim().toUpperCase();

/** Validate and normalise a selection (throws PdvExportError). Empty strings count as "not given". */
export function normalizeSelection(sel: PdvSelection): PdvSelection {
  const out: PdvSelection = {};
  if (sel.practice?.trim()) out.practice = sel.practice.trim().replace(/\s+/g, ' ');
  if (sel.from?.trim()) out.from = checkDay(sel.from.trim(), 'from');
  if (sel.to?.trim()) out.to = checkDay(sel.to.trim(), 'to');
  if (out.from && out.to && out.from > out.to) throw new PdvExportError(`the date range is empty: from ${out.from} is after to ${out.to}`);
  if (sel.titolarioClass?.trim()) out.titolarioClass = sel.titolarioClass.trim();
  return out;
}

export function describeSelection(sel: PdvSelection): string {
  const parts = [
    sel.practice ? `pratica "${sel.practice}"` : '',
    sel.titolarioClass ? `classe ${sel.titolarioClass}` : '',
    sel.from || sel.to ? `acquisiti ${sel.from ? `dal ${sel.from}` : ''}${sel.from && sel.to ? ' ' : ''}${sel.to ? `al ${sel.to}` : ''}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'tutti i documenti archiviati';
}

/** Exact class or a subclass of it: "VI" matches "VI" and "VI.3", not "VII" nor "V". */
export function classMatches(documentClass: string | undefined, wanted: string): boolean {
  if (!documentClass) return false;
  const c = normClass(documentClass);
  const w = normClass(wanted).replace(/\.+$/, '');
  return c === w || c.startsWith(`${w}.`);
}

/** Whether one document matches an already normalised selection. */
export function matchesSelection(doc: DocumentRecord, sel: PdvSelection): boolean {
  const m = doc.classification as DocumentMetadata | undefined;
  if (sel.practice !== undefined && (!m?.practice?.key || normPractice(m.practice.key) !== normPractice(sel.practice))) return false;
  if (sel.titolarioClass !== undefined && !classMatches(m?.titolarioClass, sel.titolarioClass)) return false;
  if (sel.from !== undefined || sel.to !== undefined) {
    const t = new Date(doc.createdAt);
    if (Number.isNaN(t.getTime())) return false;
    const day = t.toISOString().slice(0, 10); // UTC calendar day of acquisition
    if (sel.from !== undefined && day < sel.from) return false;
    if (sel.to !== undefined && day > sel.to) return false;
  }
  return true;
}

/** The archived documents matching the selection, in acquisition order. Throws EmptySelectionError when none. */
export async function selectDocuments(db: MetadataStore, selection: PdvSelection): Promise<DocumentRecord[]> {
  const sel = normalizeSelection(selection);
  const page = 500;
  const out: DocumentRecord[] = [];
  for (let offset = 0; ; offset += page) {
    const rows = await db.listDocuments({ status: 'archived', limit: page, offset });
    for (const d of rows) {
      if (!matchesSelection(d, sel)) continue;
      if (!d.archiveKey) throw new PdvExportError(`document ${d.id} (${d.filename}) is archived but has no archive package key`);
      out.push(d);
    }
    if (rows.length < page) break;
  }
  if (out.length === 0) throw new EmptySelectionError(sel);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Plan: everything known before the first byte is written

export interface PlannedFile {
  /** Store key. */
  key: string;
  /** Path relative to the PdV root. */
  path: string;
  role: string;
  mediaType: string;
  size: number;
  sha256: string;
  /** Set for small files written from memory (manifest.json). */
  body?: Buffer;
}

export interface PlannedDocument {
  doc: DocumentRecord;
  manifest: Manifest;
  files: PlannedFile[]; // manifest.json first
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

async function planDocument(store: ObjectStore, doc: DocumentRecord): Promise<PlannedDocument> {
  const pkg = doc.archiveKey!;
  const manifestKey = `${pkg}/${PACKAGE_FILES.manifest}`;
  let body: Buffer;
  try {
    body = await store.getBuffer(manifestKey);
  } catch (err) {
    throw new PdvExportError(`cannot read ${manifestKey}: ${(err as Error).message}`);
  }
  let manifest: Manifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(body.toString('utf8')));
  } catch (err) {
    throw new PdvExportError(`invalid manifest ${manifestKey}: ${(err as Error).message}`);
  }
  if (manifest.identificativo.id !== doc.id) {
    throw new PdvExportError(`manifest ${manifestKey} describes document ${manifest.identificativo.id}, not ${doc.id}`);
  }
  const folder = doc.sha256;
  const files: PlannedFile[] = [
    {
      key: manifestKey,
      path: `${folder}/${PACKAGE_FILES.manifest}`,
      role: MANIFEST_ROLE,
      mediaType: 'application/json',
      size: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
      body,
    },
  ];
  const seen = new Set<string>([PACKAGE_FILES.manifest]);
  for (const f of manifest.files) {
    if (!SAFE_NAME.test(f.name) || seen.has(f.name)) {
      throw new PdvExportError(`manifest ${manifestKey} lists an unusable or duplicate file name ${JSON.stringify(f.name)}`);
    }
    seen.add(f.name);
    files.push({ key: `${pkg}/${f.name}`, path: `${folder}/${f.name}`, role: f.role, mediaType: f.mediaType, size: f.size, sha256: f.sha256 });
  }
  return { doc, manifest, files };
}

let cachedVersion: string | undefined;
function appVersion(): string {
  if (cachedVersion === undefined) {
    try {
      cachedVersion = String((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0');
    } catch {
      cachedVersion = '0.0.0';
    }
  }
  return cachedVersion;
}

function defaultId(created: string): string {
  return `${created.replace(/[-:]/g, '').replace(/\..*$/, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
}

const summaryFile = (path: string, f: PlannedFile): PdvSummaryFile => ({ path, role: f.role, mediaType: f.mediaType, size: f.size, sha256: f.sha256 });

// ---------------------------------------------------------------------------------------------------------------
// Writing

function waitDrain(sink: NodeJS.EventEmitter & { destroyed: boolean; destroying: boolean }): Promise<void> {
  return new Promise((resolve, reject) => {
    if (sink.destroyed || sink.destroying) return reject(new Error('tar entry closed before it was complete'));
    const done = (err?: Error) => {
      sink.off('drain', onDrain);
      sink.off('close', onClose);
      sink.off('error', onError);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('tar entry closed before it was complete'));
    const onError = (err: Error) => done(err);
    sink.on('drain', onDrain);
    sink.on('close', onClose);
    sink.on('error', onError);
  });
}

function entryPromise(): { cb: (err?: Error | null) => void; done: Promise<void> } {
  let cb!: (err?: Error | null) => void;
  const done = new Promise<void>((resolve, reject) => {
    cb = (err) => (err ? reject(err) : resolve());
  });
  done.catch(() => {}); // observed by the caller when it matters
  return { cb, done };
}

async function addBuffer(pack: Pack, name: string, body: Buffer, mtime: Date): Promise<void> {
  const { cb, done } = entryPromise();
  pack.entry({ name, size: body.length, mtime, mode: 0o644, type: 'file' }, body, cb).on('error', () => {}); // reported through `done`
  await done;
}

/** Stream one object into the tar, hashing it; the entry is ended only when size and SHA-256 equal the manifest's. */
async function addVerifiedObject(pack: Pack, name: string, store: ObjectStore, f: PlannedFile, mtime: Date, onBytes: (n: number) => void): Promise<void> {
  let source: Readable;
  try {
    source = await store.get(f.key);
  } catch (err) {
    throw new PdvIntegrityError(f.key, `cannot be read: ${(err as Error).message}`);
  }
  const { cb, done } = entryPromise();
  const sink = pack.entry({ name, size: f.size, mtime, mode: 0o644, type: 'file' }, cb);
  sink.on('error', () => {}); // reported through `done` and the error thrown below
  const hash = createHash('sha256');
  let size = 0;
  let writing = false; // to tell a failing store from a failing output
  try {
    for await (const chunk of source) {
      const buf = chunk as Buffer;
      size += buf.length;
      // Never let more bytes into the entry than its header announces: that would corrupt the tar.
      if (size > f.size) throw new PdvIntegrityError(f.key, `is larger than the ${f.size} B its manifest records`);
      hash.update(buf);
      onBytes(buf.length);
      writing = true;
      if (!sink.write(buf)) await waitDrain(sink as unknown as Parameters<typeof waitDrain>[0]);
      writing = false;
    }
    const sha256 = hash.digest('hex');
    if (size !== f.size || sha256 !== f.sha256) {
      throw new PdvIntegrityError(f.key, `does not match its manifest: SHA-256 ${sha256} (${size} B), expected ${f.sha256} (${f.size} B)`);
    }
  } catch (err) {
    source.destroy();
    const e =
      err instanceof PdvExportError
        ? err
        : writing
          ? new PdvExportError(`writing ${name} into the tar failed: ${(err as Error).message}`)
          : new PdvIntegrityError(f.key, `could not be read: ${(err as Error).message}`);
    sink.destroy(e);
    throw e;
  }
  sink.end(undefined);
  await done;
}

/** Everything decided and checked before the first byte of the tar: the selected documents, their manifests, the
 *  summary (pdv.json) and the index (indice.xml). */
export interface PdvPlan {
  id: string;
  root: string;
  created: string;
  summary: PdvSummary;
  readonly documents: readonly PlannedDocument[];
  readonly related: readonly PlannedRelated[];
  readonly summaryBody: Buffer;
  readonly indexBody: Buffer;
}

/** Select the documents and read and check every manifest. Throws EmptySelectionError, PdvExportError. */
export async function planPdv(deps: { store: ObjectStore; db: MetadataStore }, opts: Omit<PdvExportOptions, 'onProgress'>): Promise<PdvPlan> {
  const created = opts.created ?? new Date().toISOString();
  if (Number.isNaN(new Date(created).getTime())) throw new PdvExportError(`invalid created timestamp ${JSON.stringify(created)}`);
  const id = opts.id ?? defaultId(created);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/.test(id)) throw new PdvExportError(`invalid PdV id ${JSON.stringify(id)}: letters, digits, . _ - only`);
  const root = `PdV-${id}`;
  const producer = opts.producer?.trim() || DEFAULT_PRODUCER;
  const application: PdvApplication = {
    name: opts.application?.name ?? 'Faldone',
    version: opts.application?.version ?? appVersion(),
    producer: opts.application?.producer ?? 'Faldone',
  };
  const selection = normalizeSelection(opts.selection);

  const docs = await selectDocuments(deps.db, selection);
  const planned: PlannedDocument[] = [];
  for (const d of docs) planned.push(await planDocument(deps.store, d));
  const related = await planRelated(deps.store, planned.map((p) => p.manifest));

  const documents: PdvSummaryDocument[] = planned.map(({ doc, manifest, files }) => {
    const m = manifest.metadatiDescrittivi;
    const entry: PdvSummaryDocument = {
      id: doc.id,
      folder: doc.sha256,
      archiveKey: doc.archiveKey!,
      filename: doc.filename,
      dataAcquisizione: manifest.dataAcquisizione,
      files: files.map((f) => summaryFile(f.path, f)),
    };
    if (doc.title) entry.title = doc.title;
    if (m.practice?.key) entry.practice = m.practice.key;
    if (m.titolarioClass) entry.titolarioClass = m.titolarioClass;
    return entry;
  });
  const allFiles = [...planned.flatMap((p) => p.files), ...related.flatMap((r) => r.files)];
  const summary: PdvSummary = {
    versione: PDV_SUMMARY_VERSION,
    id,
    root,
    created,
    producer,
    application,
    selection: { ...selection, dateField: 'createdAt' },
    hash: { algorithm: 'SHA-256', encoding: 'hex' },
    documents,
    related: related.map((r) => ({ kind: r.kind, id: r.id, files: r.files.map((f) => summaryFile(f.path, f)) })),
    totals: { documents: documents.length, files: allFiles.length, bytes: allFiles.reduce((n, f) => n + f.size, 0) },
  };
  const summaryBody = Buffer.from(JSON.stringify(summary, null, 2) + '\n', 'utf8');
  const groups: PdvIndexGroup[] = planned.map(({ doc, manifest, files }) => {
    const practice = manifest.metadatiDescrittivi.practice?.key;
    const group: PdvIndexGroup = {
      label: practice ? `${doc.id} — ${practice}` : doc.id,
      documentId: doc.id,
      files: files.map((f) => ({ id: f.path, path: f.path, sha256: f.sha256, size: f.size, mediaType: f.mediaType, role: f.role })),
    };
    if (practice) group.practice = practice;
    return group;
  });
  for (const r of related)
    groups.push({
      label: r.label,
      files: r.files.map((f) => ({ id: f.path, path: f.path, sha256: f.sha256, size: f.size, mediaType: f.mediaType, role: f.role })),
    });
  groups.push({
    label: `${PDV_SUMMARY_FILE} — riepilogo del pacchetto`,
    files: [
      {
        id: PDV_SUMMARY_FILE,
        path: PDV_SUMMARY_FILE,
        sha256: createHash('sha256').update(summaryBody).digest('hex'),
        size: summaryBody.length,
        mediaType: 'application/json',
        role: 'riepilogo',
      },
    ],
  });
  const indexBody = Buffer.from(
    buildIndexXml({ id: `${root}/${INDEX_FILE}`, submissionId: root, application, agent: producer, timeReference: created, groups }),
    'utf8',
  );
  return { id, root, created, summary, documents: planned, related, summaryBody, indexBody };
}

/**
 * Stream a planned PdV as a tar into `out`. Any mismatch between a stored object and its manifest rejects with
 * PdvIntegrityError and destroys `out`: the caller must discard what was written (exportPdvToFile does).
 */
export async function writePdv(
  plan: PdvPlan,
  store: ObjectStore,
  out: Writable,
  onProgress?: (p: PdvProgress) => void,
): Promise<PdvExportResult> {
  const { root, indexBody, summaryBody } = plan;
  const mtime = new Date(plan.created);
  const pack = tarPack();
  const piping = pipeline(pack as unknown as Readable, out);
  piping.catch(() => {});
  const progress: PdvProgress = { documents: 0, totalDocuments: plan.documents.length, bytes: 0, totalBytes: plan.summary.totals.bytes };
  let written = 0;
  const addFile = async (f: PlannedFile) => {
    const name = `${root}/${f.path}`;
    progress.current = name;
    onProgress?.({ ...progress });
    if (f.body) {
      await addBuffer(pack, name, f.body, mtime);
      progress.bytes += f.size;
    } else {
      await addVerifiedObject(pack, name, store, f, mtime, (n) => (progress.bytes += n));
    }
    written++;
  };
  const writing = (async () => {
    await addBuffer(pack, `${root}/${INDEX_FILE}`, indexBody, mtime);
    await addBuffer(pack, `${root}/${PDV_SUMMARY_FILE}`, summaryBody, mtime);
    written += 2;
    for (const p of plan.documents) {
      for (const f of p.files) await addFile(f);
      progress.documents++;
      onProgress?.({ ...progress });
    }
    for (const r of plan.related) for (const f of r.files) await addFile(f);
    pack.finalize();
  })();
  writing.catch(() => {});
  try {
    // The output can fail too (disk full): whichever fails first wins.
    await Promise.race([writing, piping.then(() => writing)]);
    await piping;
  } catch (err) {
    pack.destroy(err as Error);
    out.destroy();
    await Promise.allSettled([writing, piping]);
    throw err;
  }
  delete progress.current;
  onProgress?.({ ...progress });
  return {
    id: plan.id,
    root,
    created: plan.created,
    documents: plan.documents.length,
    files: written,
    bytes: progress.bytes + indexBody.length + summaryBody.length,
    summary: plan.summary,
  };
}

/** Plan and write the PdV as a tar to `out` (see writePdv for what happens on a mismatch). */
export async function exportPdv(
  deps: { store: ObjectStore; db: MetadataStore },
  out: Writable,
  opts: PdvExportOptions,
): Promise<PdvExportResult> {
  let plan: PdvPlan;
  try {
    plan = await planPdv(deps, opts);
  } catch (err) {
    out.destroy();
    throw err;
  }
  return writePdv(plan, deps.store, out, opts.onProgress);
}

/**
 * Export to a file: written as <file>.partial, synced and renamed into place only when complete and verified;
 * removed on any failure, so a tar at `file` is always a whole, checked PdV.
 */
export async function exportPdvToFile(
  deps: { store: ObjectStore; db: MetadataStore },
  file: string,
  opts: PdvExportOptions,
): Promise<PdvExportResult> {
  const plan = await planPdv(deps, opts); // nothing is created when the selection or a manifest is wrong
  const partial = `${file}.partial`;
  try {
    const result = await writePdv(plan, deps.store, createWriteStream(partial), opts.onProgress);
    const fh = await open(partial, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(partial, file);
    return result;
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}
