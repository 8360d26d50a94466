// Fixity audit: re-read every object of every archive package and compare its SHA-256 with the manifest.
// Reports missing files, altered files, orphan objects (in a package but not in its manifest, or packages without a
// manifest) and documents the database says are archived whose package is gone. Box scans, kept as originals outside
// the packages with their split plan, are re-read too (those the parts' manifests cite, and those the database says
// are 'split').
import type { MetadataStore } from '../db/metadata-store.ts';
import { PACKAGE_FILES } from './keys.ts';
import type { Manifest } from './manifest.ts';
import type { ObjectStore } from './object-store.ts';
import { readFingerprint } from './hash.ts';
import { checkBoxScan } from './box-scan-fixity.ts';

export interface FixityProblem {
  kind: 'missing' | 'altered' | 'orphan' | 'unreadable-manifest' | 'missing-package' | 'unreadable-plan';
  key: string;
  detail?: string;
}

export interface FixityReport {
  startedAt: string;
  finishedAt: string;
  packages: number;
  /** Box scans whose original and split plan were checked. */
  boxScans: number;
  files: number; // files checked against a manifest (and box scans' originals and plans)
  bytes: number;
  problems: FixityProblem[];
  ok: boolean;
}

/** Package prefixes under archive/: archive/<yyyy>/<sha256>. */
export function packageOf(key: string): string | undefined {
  const m = /^(archive\/\d{4}\/[0-9a-f]{64})\//.exec(key);
  return m?.[1];
}

export async function auditFixity(
  deps: { store: ObjectStore; db?: MetadataStore },
  opts: { onProgress?: (done: number, total: number) => void } = {},
): Promise<FixityReport> {
  const startedAt = new Date().toISOString();
  const problems: FixityProblem[] = [];
  const packages = new Map<string, string[]>();
  for await (const key of deps.store.list('archive/')) {
    const pkg = packageOf(key);
    if (!pkg) {
      problems.push({ kind: 'orphan', key, detail: 'not inside an archive package' });
      continue;
    }
    const files = packages.get(pkg) ?? [];
    files.push(key.slice(pkg.length + 1));
    packages.set(pkg, files);
  }
  let files = 0;
  let bytes = 0;
  let done = 0;
  // Objects outside the packages that manifests cite by hash (the attestation of conformity and its signed file,
  // shared by every document of a batch): each is re-read once.
  const cited = new Map<string, { sha256: string; from: string }>();
  // Box scans the parts' manifests come from: the original's size and each part's place in the plan.
  const boxScans = new Map<string, { size?: number; parts: Array<{ part: number; documentId: string }> }>();
  for (const [pkg, present] of packages) {
    opts.onProgress?.(done++, packages.size);
    if (!present.includes(PACKAGE_FILES.manifest)) {
      for (const f of present) problems.push({ kind: 'orphan', key: `${pkg}/${f}`, detail: 'package has no manifest' });
      continue;
    }
    let manifest: Manifest;
    try {
      manifest = JSON.parse(
        (await deps.store.getBuffer(`${pkg}/${PACKAGE_FILES.manifest}`)).toString('utf8'),
      ) as Manifest;
      if (!Array.isArray(manifest.files)) throw new Error('no files list');
    } catch (err) {
      problems.push({
        kind: 'unreadable-manifest',
        key: `${pkg}/${PACKAGE_FILES.manifest}`,
        detail: (err as Error).message,
      });
      continue;
    }
    if (manifest.conformita) {
      const { attestazione, firma, verifica } = manifest.conformita;
      for (const c of [attestazione, firma, ...(verifica.verbale ? [verifica.verbale] : [])])
        if (!cited.has(c.chiave)) cited.set(c.chiave, { sha256: c.sha256, from: pkg });
    }
    if (manifest.provenienza) {
      const p = manifest.provenienza;
      const box = boxScans.get(p.scansioneDiScatola.impronta) ?? { size: p.scansioneDiScatola.dimensione, parts: [] };
      box.parts.push({ part: p.parte, documentId: manifest.identificativo.id });
      boxScans.set(p.scansioneDiScatola.impronta, box);
    }
    const listed = new Set(manifest.files.map((f) => f.name));
    for (const f of present) {
      if (f !== PACKAGE_FILES.manifest && !listed.has(f))
        problems.push({ kind: 'orphan', key: `${pkg}/${f}`, detail: 'not in the manifest' });
    }
    for (const f of manifest.files) {
      const key = `${pkg}/${f.name}`;
      if (!present.includes(f.name)) {
        problems.push({ kind: 'missing', key });
        continue;
      }
      // Re-read the bytes: a stored checksum attribute would only prove the attribute survived.
      const info = await readFingerprint(deps.store, key);
      files++;
      bytes += info?.size ?? 0;
      if (!info) problems.push({ kind: 'missing', key });
      else if (info.sha256 !== f.sha256 || info.size !== f.size) {
        problems.push({
          kind: 'altered',
          key,
          detail: `expected ${f.sha256} (${f.size} B), found ${info.sha256} (${info.size} B)`,
        });
      }
    }
  }
  for (const [key, want] of cited) {
    const info = await readFingerprint(deps.store, key);
    files++;
    bytes += info?.size ?? 0;
    if (!info) problems.push({ kind: 'missing', key, detail: `cited by ${want.from}/${PACKAGE_FILES.manifest}` });
    else if (info.sha256 !== want.sha256)
      problems.push({ kind: 'altered', key, detail: `expected ${want.sha256}, found ${info.sha256}` });
  }
  opts.onProgress?.(packages.size, packages.size);
  if (deps.db) {
    for (const d of await deps.db.listDocuments({ status: 'archived', limit: 10_000_000 })) {
      if (d.archiveKey && !packages.has(d.archiveKey))
        problems.push({ kind: 'missing-package', key: d.archiveKey, detail: `document ${d.filename}` });
    }
    for (const d of await deps.db.listDocuments({ status: 'split', limit: 10_000_000 })) {
      if (!boxScans.has(d.id)) boxScans.set(d.id, { size: d.size, parts: [] });
    }
  }
  for (const [id, want] of boxScans) {
    const check = await checkBoxScan(deps.store, id, want);
    for (const f of [check.original, check.plan]) {
      if (!f) continue;
      files++;
      bytes += f.size;
    }
    problems.push(...check.problems);
  }
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    packages: packages.size,
    boxScans: boxScans.size,
    files,
    bytes,
    problems,
    ok: problems.length === 0,
  };
}
