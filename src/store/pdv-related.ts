// Files a PdV carries beside the document folders: those the selected documents' manifests cite by key and SHA-256
// but that live outside their packages. The signed attestation of conformity of their batch (.p7m or signed PDF) with
// the verification report it rests on, and the box scan each part was split from with its split plan:
//
//   PdV-<id>/conformita/<batch id>/<name in the store>         firmato-<sha>.p7m | .pdf, verifica-<id>.json
//   PdV-<id>/scansioni-di-scatola/<box sha>/originale.<ext>    the box scan as received
//   PdV-<id>/scansioni-di-scatola/<box sha>/plan.json          how it was split
//
// Each is listed with its SHA-256 in indice.xml and pdv.json, and streamed and checked like a package file: the hash
// is the one the manifest records (the plan's, which manifests do not record, is taken when planning).
import { createHash } from 'node:crypto';
import { extensionOf } from '../ingest/sniff.ts';
import type { Manifest } from './manifest.schema.ts';
import type { ObjectStore } from './object-store.ts';
import { PdvExportError, PdvIntegrityError, type PlannedFile } from './pdv-export.ts';

/** Top-level folders of a PdV that hold related files, not documents (no manifest.json of their own). */
export const RELATED_FOLDERS = { conformity: 'conformita', boxScans: 'scansioni-di-scatola' } as const;

export const RELATED_ROLES = {
  signed: 'attestazione-firmata',
  report: 'verbale-verifica',
  boxScan: 'originale-scansione-di-scatola',
  plan: 'piano-di-suddivisione',
} as const;

export interface PlannedRelated {
  kind: 'conformita' | 'scansione-di-scatola';
  /** The batch (conformity) or the box scan's SHA-256. */
  id: string;
  label: string;
  files: PlannedFile[];
}

const baseName = (key: string) => key.slice(key.lastIndexOf('/') + 1);
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

async function sizeOf(store: ObjectStore, key: string): Promise<number> {
  const info = await store.head(key);
  if (!info) throw new PdvIntegrityError(key, 'is cited by a manifest but missing from the store');
  return info.size;
}

/** The related files of the given manifests, each once, in a stable order. */
export async function planRelated(store: ObjectStore, manifests: readonly Manifest[]): Promise<PlannedRelated[]> {
  const conformity = new Map<string, PlannedRelated>();
  const boxes = new Map<string, PlannedRelated>();
  for (const m of manifests) {
    const c = m.conformita;
    if (c) {
      const group = conformity.get(m.lotto.id) ?? {
        kind: 'conformita' as const,
        id: m.lotto.id,
        label: `Attestazione di conformità firmata — lotto ${m.lotto.id}`,
        files: [],
      };
      conformity.set(m.lotto.id, group);
      const cited = [
        { key: c.firma.chiave, sha256: c.firma.sha256, role: RELATED_ROLES.signed },
        ...(c.verifica.verbale
          ? [{ key: c.verifica.verbale.chiave, sha256: c.verifica.verbale.sha256, role: RELATED_ROLES.report }]
          : []),
      ];
      for (const f of cited) {
        const name = baseName(f.key);
        if (!SAFE_NAME.test(m.lotto.id) || !SAFE_NAME.test(name))
          throw new PdvExportError(`unusable batch id or file name for ${f.key} in a PdV`);
        const path = `${RELATED_FOLDERS.conformity}/${m.lotto.id}/${name}`;
        if (group.files.some((x) => x.path === path)) continue;
        group.files.push({
          key: f.key,
          path,
          role: f.role,
          mediaType: f.key.endsWith('.p7m')
            ? 'application/pkcs7-mime'
            : f.key.endsWith('.json')
              ? 'application/json'
              : 'application/pdf',
          size: await sizeOf(store, f.key),
          sha256: f.sha256,
        });
      }
    }
    const box = m.provenienza?.scansioneDiScatola;
    if (box && !boxes.has(box.impronta)) {
      const folder = `${RELATED_FOLDERS.boxScans}/${box.impronta}`;
      const plan = await store.getBuffer(box.chiavePiano).catch(() => {
        throw new PdvIntegrityError(box.chiavePiano, 'is cited by a manifest but cannot be read');
      });
      boxes.set(box.impronta, {
        kind: 'scansione-di-scatola',
        id: box.impronta,
        label: `Scansione di scatola ${box.impronta} — ${box.nomeOriginale}`,
        files: [
          {
            key: box.chiaveOriginale,
            path: `${folder}/originale.${extensionOf(box.formato)}`,
            role: RELATED_ROLES.boxScan,
            mediaType: box.formato,
            size: box.dimensione,
            sha256: box.impronta,
          },
          {
            key: box.chiavePiano,
            path: `${folder}/plan.json`,
            role: RELATED_ROLES.plan,
            mediaType: 'application/json',
            size: plan.length,
            sha256: createHash('sha256').update(plan).digest('hex'),
            body: plan,
          },
        ],
      });
    }
  }
  const sorted = (m: Map<string, PlannedRelated>) => [...m.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  return [...sorted(conformity), ...sorted(boxes)];
}
