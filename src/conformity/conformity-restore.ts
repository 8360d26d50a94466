// Rebuild from the store: a manifest's `conformita` section, with the verification report and the files it cites,
// puts back the batch's verification, issued attestation and signed file in the conformity store.
import type { Manifest } from '../store/manifest.ts';
import type { ObjectStore } from '../store/object-store.ts';
import type { ConformityStore, Verification } from './conformity-store.ts';
import { CONFORMITY_EVENT } from './manifest-conformity.ts';

/** Restores what one manifest cites; `seen` (signed file keys) skips what another document of the batch restored. */
export async function restoreConformity(
  deps: { store: ObjectStore; conformity: ConformityStore },
  manifest: Manifest,
  seen: Set<string>,
): Promise<void> {
  const c = manifest.conformita;
  if (!c || seen.has(c.firma.chiave)) return;
  seen.add(c.firma.chiave);
  const batchId = manifest.lotto.id;
  if (c.verifica.verbale) {
    const v = JSON.parse((await deps.store.getBuffer(c.verifica.verbale.chiave)).toString('utf8')) as Verification;
    await deps.conformity.restoreVerification(v);
  }
  const [attestation, signed] = await Promise.all([
    deps.store.head(c.attestazione.chiave),
    deps.store.head(c.firma.chiave),
  ]);
  if (!attestation || !signed)
    throw new Error(`conformity files cited by the manifest of ${manifest.identificativo.id} are missing`);
  const recordedBy =
    manifest.tracciatureModifiche.findLast((e) => e.tipo === CONFORMITY_EVENT)?.soggetto ?? 'sconosciuto';
  await deps.conformity.recordAttestation({
    batchId,
    sha256: c.attestazione.sha256,
    key: c.attestazione.chiave,
    size: attestation.size,
    verificationId: c.verifica.id,
    // Who downloaded it is not in the package: the one who recorded the signed file stands in.
    issuedBy: recordedBy,
    issuedAt: c.verifica.chiusa,
  });
  await deps.conformity.recordSigned({
    batchId,
    sha256: c.firma.sha256,
    key: c.firma.chiave,
    size: signed.size,
    format: c.firma.formato === 'CAdES' ? 'cades' : 'pades',
    attestationSha256: c.attestazione.sha256,
    signer: c.firma.firmatario ?? null,
    uploadedBy: recordedBy,
    uploadedAt: c.firma.caricata,
  });
}
