// Verify a submission package (PdV) tar as a conservation service would on receipt: read it as a stream, recompute
// the SHA-256 of every file, and check it against indice.xml AND against the manifest.json of its document. Files in
// the folders of related files (conformita/, scansioni-di-scatola/: see pdv-related.ts) are checked against the index.
//
// Problems reported (each with the path in the tar):
// - missing:        listed in indice.xml or in a manifest, absent from the tar;
// - extra:          in the tar but listed nowhere (or outside the PdV root folder, or present twice);
// - altered:        present, but its SHA-256 or size differs from what indice.xml / the manifest records;
// - index-mismatch: indice.xml and a manifest.json (or pdv.json) disagree about a file;
// - invalid-index / invalid-manifest / invalid-tar: unreadable index, manifest or tar.
// Memory: one hash per file, plus the small JSON/XML files (indice.xml, pdv.json, manifest.json), which are buffered.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { extract as tarExtract } from 'tar-stream';
import { PACKAGE_FILES } from './keys.ts';
import { PDV_SUMMARY_FILE, type PdvSummary } from './pdv-export.ts';
import { INDEX_FILE, parseIndexXml, type PdvIndex, type PdvIndexFile } from './pdv-index.ts';
import { RELATED_FOLDERS } from './pdv-related.ts';

/** Folders of related files (signed attestation, box scans): checked against the index alone, having no manifest. */
const RELATED = new Set<string>(Object.values(RELATED_FOLDERS));

export type PdvProblemKind = 'missing' | 'extra' | 'altered' | 'index-mismatch' | 'invalid-index' | 'invalid-manifest' | 'invalid-tar';

export interface PdvProblem {
  kind: PdvProblemKind;
  /** Path of the file in the tar (PdV-<id>/…); empty for a problem of the tar as a whole. */
  path: string;
  detail?: string;
}

export interface PdvVerifyReport {
  ok: boolean;
  /** PdV-<id>, when it could be told. */
  root?: string;
  /** Submission id from the index (VdC/ID), when readable. */
  submissionId?: string;
  /** Documents described (FileGroups of documents in the index, or document folders found). */
  documents: number;
  /** File entries read and hashed. */
  files: number;
  bytes: number;
  problems: PdvProblem[];
}

/** Small files kept in memory to be parsed; larger ones are hashed only (and then reported as unreadable). */
const MAX_BUFFERED = 64 * 1024 * 1024;

interface SeenFile {
  sha256: string;
  size: number;
  body?: Buffer;
}

function isSmallFile(name: string): boolean {
  const parts = name.split('/');
  return (
    (parts.length === 2 && (parts[1] === INDEX_FILE || parts[1] === PDV_SUMMARY_FILE)) ||
    (parts.length === 3 && parts[2] === PACKAGE_FILES.manifest)
  );
}

function normalizeName(name: string): string {
  let n = name.replace(/\\/g, '/');
  while (n.startsWith('./')) n = n.slice(2);
  return n.replace(/\/+$/, '');
}

interface ManifestView {
  id?: string;
  files: Array<{ name: string; size: number; sha256: string }>;
}

function readManifest(body: Buffer): ManifestView {
  const m = JSON.parse(body.toString('utf8')) as { identificativo?: { id?: unknown }; files?: unknown };
  if (!m || typeof m !== 'object' || !Array.isArray(m.files)) throw new Error('no files list');
  const files = m.files.map((f: unknown, i: number) => {
    const x = f as { name?: unknown; size?: unknown; sha256?: unknown };
    if (typeof x?.name !== 'string' || typeof x.size !== 'number' || typeof x.sha256 !== 'string') {
      throw new Error(`files[${i}] lacks name, size or sha256`);
    }
    return { name: x.name, size: x.size, sha256: x.sha256.toLowerCase() };
  });
  return { id: typeof m.identificativo?.id === 'string' ? m.identificativo.id : undefined, files };
}

/** Verify a PdV tar given as a path or a byte stream. Never throws for a damaged package: it reports. */
export async function verifyPdv(input: string | Readable): Promise<PdvVerifyReport> {
  const problems: PdvProblem[] = [];
  const reported = new Set<string>();
  const report = (kind: PdvProblemKind, path: string, detail?: string) => {
    const k = `${kind}\u0000${path}`;
    if (reported.has(k)) return;
    reported.add(k);
    problems.push(detail === undefined ? { kind, path } : { kind, path, detail });
  };
  const hasProblem = (path: string) => problems.some((p) => p.path === path && (p.kind === 'missing' || p.kind === 'altered'));

  // 1. Read the tar once: hash every file, keep the small descriptive ones.
  const entries = new Map<string, SeenFile>();
  let files = 0;
  let bytes = 0;
  const source = typeof input === 'string' ? createReadStream(input) : input;
  const ex = tarExtract();
  source.on('error', (err: Error) => ex.destroy(err));
  source.pipe(ex as unknown as NodeJS.WritableStream);
  let reading: string | undefined; // the file being read, to name it when the tar ends inside it
  const truncated = new Set<string>();
  try {
    for await (const entry of ex) {
      const name = normalizeName(entry.header.name);
      const type = entry.header.type;
      if (type === 'directory') {
        entry.resume();
        continue;
      }
      if (type !== 'file' && type !== 'contiguous-file') {
        entry.resume();
        report('extra', name, `unexpected ${type} entry`);
        continue;
      }
      const hash = createHash('sha256');
      const keep = isSmallFile(name) && entry.header.size <= MAX_BUFFERED;
      const chunks: Buffer[] = [];
      let size = 0;
      reading = name;
      for await (const chunk of entry) {
        const buf = Buffer.from(chunk as Uint8Array);
        hash.update(buf);
        size += buf.length;
        if (keep) chunks.push(buf);
      }
      reading = undefined;
      files++;
      bytes += size;
      if (entries.has(name)) {
        report('extra', name, 'present more than once in the tar');
        continue;
      }
      entries.set(name, { sha256: hash.digest('hex'), size, ...(keep ? { body: Buffer.concat(chunks) } : {}) });
    }
  } catch (err) {
    report('invalid-tar', '', `the tar cannot be read to the end: ${(err as Error).message}`);
    if (reading !== undefined) {
      truncated.add(reading);
      report('altered', reading, 'truncated: the tar ends inside this file');
    }
  } finally {
    if (typeof input === 'string') source.destroy();
  }

  // 2. The root folder: the one holding indice.xml, else the most common first segment.
  const indexEntries = [...entries.keys()].filter((n) => /^[^/]+\/indice\.xml$/.test(n));
  let root: string | undefined;
  if (indexEntries.length > 0) root = indexEntries[0]!.split('/')[0];
  else {
    const counts = new Map<string, number>();
    for (const n of entries.keys()) counts.set(n.split('/')[0]!, (counts.get(n.split('/')[0]!) ?? 0) + 1);
    root = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  }
  if (indexEntries.length > 1) for (const n of indexEntries.slice(1)) report('extra', n, 'a second index');
  const full = (rel: string) => (root ? `${root}/${rel}` : rel);
  const within = new Map<string, SeenFile>(); // relative to root
  for (const n of truncated) {
    if (root && n.startsWith(`${root}/`)) within.set(n.slice(root.length + 1), { sha256: '', size: -1 });
  }
  for (const [n, f] of entries) {
    if (root && n.startsWith(`${root}/`)) within.set(n.slice(root.length + 1), f);
    else report('extra', n, `outside the PdV folder ${root ?? ''}`.trim());
  }
  if (!root) {
    if (!problems.some((p) => p.kind === 'invalid-tar')) report('missing', INDEX_FILE, 'the tar holds no files');
    return { ok: false, documents: 0, files, bytes, problems };
  }

  // 3. The index.
  let index: PdvIndex | undefined;
  const indexFile = within.get(INDEX_FILE);
  if (!indexFile) report('missing', full(INDEX_FILE), 'no indice.xml: nothing to verify the files against');
  else if (!indexFile.body) {
    if (indexFile.size >= 0) report('invalid-index', full(INDEX_FILE), 'too large to be an index');
  }
  else {
    try {
      index = parseIndexXml(indexFile.body.toString('utf8'));
    } catch (err) {
      report('invalid-index', full(INDEX_FILE), (err as Error).message);
    }
  }
  const listed = new Map<string, { file: PdvIndexFile; documentId?: string }>();
  if (index) {
    if (index.submissionId !== root) report('index-mismatch', full(INDEX_FILE), `the index describes ${index.submissionId}, the folder is ${root}`);
    for (const g of index.groups) {
      for (const f of g.files) {
        if (listed.has(f.path)) report('invalid-index', full(INDEX_FILE), `${f.path} is listed twice`);
        else listed.set(f.path, { file: f, documentId: g.documentId });
        if (g.documentId !== undefined && f.path.split('/')[0] !== g.documentId) {
          report('index-mismatch', full(f.path), `listed for document ${g.documentId} but outside its folder`);
        }
      }
    }
    // Every file the index lists: present, same SHA-256 and size.
    for (const [rel, { file }] of listed) {
      const seen = within.get(rel);
      if (!seen) report('missing', full(rel), 'listed in indice.xml');
      else if (seen.sha256 !== file.sha256 || (file.size !== undefined && seen.size !== file.size)) {
        report('altered', full(rel), `SHA-256 ${seen.sha256} (${seen.size} B), indice.xml records ${file.sha256}${file.size !== undefined ? ` (${file.size} B)` : ''}`);
      }
    }
  }

  // 4. Every document folder: its manifest against the files and against the index.
  const folders = new Set<string>();
  for (const rel of within.keys()) if (rel.includes('/') && !RELATED.has(rel.split('/')[0]!)) folders.add(rel.split('/')[0]!);
  for (const g of index?.groups ?? []) if (g.documentId !== undefined) folders.add(g.documentId);
  const coveredByManifest = new Set<string>();
  for (const folder of [...folders].sort()) {
    const manifestRel = `${folder}/${PACKAGE_FILES.manifest}`;
    coveredByManifest.add(manifestRel);
    const mf = within.get(manifestRel);
    if (!mf) {
      report('missing', full(manifestRel), 'the document has no manifest.json');
      continue;
    }
    let manifest: ManifestView;
    try {
      if (!mf.body) {
        if (mf.size < 0) continue; // truncated, already reported
        throw new Error('too large to be a manifest');
      }
      manifest = readManifest(mf.body);
    } catch (err) {
      report('invalid-manifest', full(manifestRel), (err as Error).message);
      continue;
    }
    if (manifest.id !== undefined && manifest.id !== folder) {
      report('index-mismatch', full(manifestRel), `the manifest describes document ${manifest.id}, the folder is ${folder}`);
    }
    const names = new Set<string>();
    for (const f of manifest.files) {
      const rel = `${folder}/${f.name}`;
      names.add(rel);
      coveredByManifest.add(rel);
      if (index) {
        const l = listed.get(rel);
        if (!l) report('index-mismatch', full(rel), 'in manifest.json but not in indice.xml');
        else if (l.file.sha256 !== f.sha256 || (l.file.size !== undefined && l.file.size !== f.size)) {
          report('index-mismatch', full(rel), `indice.xml records ${l.file.sha256} (${l.file.size ?? '?'} B), manifest.json ${f.sha256} (${f.size} B)`);
        }
      }
      const seen = within.get(rel);
      if (!seen) report('missing', full(rel), 'listed in manifest.json');
      else if ((seen.sha256 !== f.sha256 || seen.size !== f.size) && !hasProblem(full(rel))) {
        report('altered', full(rel), `SHA-256 ${seen.sha256} (${seen.size} B), manifest.json records ${f.sha256} (${f.size} B)`);
      }
    }
    if (index) {
      for (const [rel, l] of listed) {
        if (rel.startsWith(`${folder}/`) && rel !== manifestRel && !names.has(rel)) {
          report('index-mismatch', full(rel), `in indice.xml${l.documentId ? ` (document ${l.documentId})` : ''} but not in manifest.json`);
        }
      }
    }
  }

  // 5. Files listed nowhere.
  for (const rel of within.keys()) {
    if (rel === INDEX_FILE || listed.has(rel)) continue;
    if (!index && (coveredByManifest.has(rel) || rel === PDV_SUMMARY_FILE)) continue; // without an index, the manifests decide
    if (index && coveredByManifest.has(rel)) continue; // already reported as an index/manifest mismatch
    report('extra', full(rel), index ? 'not listed in indice.xml' : 'not listed in any manifest');
  }

  // 6. pdv.json, when readable, must agree with the index.
  const summaryFile = within.get(PDV_SUMMARY_FILE);
  if (index && summaryFile?.body && !hasProblem(full(PDV_SUMMARY_FILE))) {
    try {
      const summary = JSON.parse(summaryFile.body.toString('utf8')) as PdvSummary;
      if (summary.root !== undefined && summary.root !== root) report('index-mismatch', full(PDV_SUMMARY_FILE), `pdv.json describes ${summary.root}`);
      for (const d of [...(summary.documents ?? []), ...(summary.related ?? [])]) {
        for (const f of d.files ?? []) {
          const l = listed.get(f.path);
          if (!l || l.file.sha256 !== f.sha256) {
            report('index-mismatch', full(f.path), l ? `pdv.json records ${f.sha256}, indice.xml ${l.file.sha256}` : 'in pdv.json but not in indice.xml');
          }
        }
      }
    } catch (err) {
      report('index-mismatch', full(PDV_SUMMARY_FILE), `pdv.json is not readable: ${(err as Error).message}`);
    }
  }

  const documents = index ? index.groups.filter((g) => g.documentId !== undefined).length : folders.size;
  return {
    ok: problems.length === 0,
    root,
    ...(index ? { submissionId: index.submissionId } : {}),
    documents,
    files,
    bytes,
    problems,
  };
}
