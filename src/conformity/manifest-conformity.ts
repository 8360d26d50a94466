// Records the attested conformity in the archive package of each archived document of the batch: a `conformita`
// section in the manifest, the Verifica flag set, and an event in the document's log (database and manifest). The
// manifest is validated before it is written and read back after, so the fixity audit keeps passing.
import type { MetadataStore } from '../db/metadata-store.ts';
import { readFingerprint, sha256 } from '../store/hash.ts';
import { PACKAGE_FILES } from '../store/keys.ts';
import { manifestSchema, type Manifest, type ManifestConformity } from '../store/manifest.schema.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { archivedDocuments } from './attestation.ts';
import type { IssuedAttestation, SignedAttestation, Verification } from './conformity-store.ts';

export const CONFORMITY_EVENT = 'conformity.attested';

export function conformitySection(
  attestation: IssuedAttestation,
  attestationDate: string,
  signed: SignedAttestation,
  verification: Verification,
  verbale: { chiave: string; sha256: string },
  at: string,
): ManifestConformity {
  const r = verification.report;
  if (!r) throw new Error(`verification ${verification.id} is not closed`);
  return {
    attestazione: { sha256: attestation.sha256, chiave: attestation.key, data: attestationDate },
    firma: {
      sha256: signed.sha256,
      chiave: signed.key,
      formato: signed.format === 'cades' ? 'CAdES' : 'PAdES',
      ...(signed.signer ? { firmatario: signed.signer } : {}),
      caricata: signed.uploadedAt,
    },
    verifica: {
      id: verification.id,
      verificatoDa: r.checkedBy.username,
      chiusa: r.closedAt,
      campione: r.sampleSize,
      pagineControllate: r.pagesChecked,
      conformi: r.conformi,
      nonConformi: r.nonConformi,
      esito: r.outcome,
      verbale,
    },
    registrata: at,
  };
}

export interface ManifestUpdateReport {
  documents: number;
  problems: Array<{ key: string; error: string }>;
}

export async function recordConformityInManifests(
  deps: { db: MetadataStore; store: ObjectStore },
  input: { batchId: string; section: ManifestConformity; actor: string },
): Promise<ManifestUpdateReport> {
  const report: ManifestUpdateReport = { documents: 0, problems: [] };
  for (const d of await archivedDocuments(deps.db, input.batchId)) {
    const key = `${d.archiveKey}/${PACKAGE_FILES.manifest}`;
    try {
      const current = JSON.parse((await deps.store.getBuffer(key)).toString('utf8')) as Manifest;
      const detail = {
        attestazioneSha256: input.section.attestazione.sha256,
        firmaSha256: input.section.firma.sha256,
        formato: input.section.firma.formato,
        esitoVerifica: input.section.verifica.esito,
      };
      await deps.db.addEvent({
        at: input.section.registrata,
        type: CONFORMITY_EVENT,
        documentId: d.id,
        batchId: input.batchId,
        actor: input.actor,
        detail,
      });
      const next = manifestSchema.parse({
        ...current,
        verifica: { ...current.verifica, conformitaCopieImmagineSuSupportoInformatico: true },
        conformita: input.section,
        tracciatureModifiche: [
          ...current.tracciatureModifiche,
          { data: input.section.registrata, tipo: CONFORMITY_EVENT, soggetto: input.actor, dettaglio: detail },
        ],
      });
      const body = Buffer.from(JSON.stringify(next, null, 2));
      await deps.store.put(key, body);
      const back = await readFingerprint(deps.store, key);
      if (back?.sha256 !== sha256(body)) throw new Error('manifest read back differs from what was written');
      report.documents++;
    } catch (err) {
      report.problems.push({ key, error: (err as Error).message });
    }
  }
  return report;
}
