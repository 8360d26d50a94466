// A part of a box scan in its archive package: the provenance written in the manifest (`provenienza`) from the
// part's split origin and its box scan, and the split origin read back from it (rebuild).
import type { DocumentRecord, SplitOrigin } from '../db/metadata-store.ts';
import { keys } from './keys.ts';
import type { ManifestProvenance } from './manifest.schema.ts';

const defined = <T extends Record<string, unknown>>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export function provenanceSection(origin: SplitOrigin, box: DocumentRecord): ManifestProvenance {
  if (box.id !== origin.boxScan) throw new Error(`box scan ${box.id} is not the part's (${origin.boxScan})`);
  const h = origin.hints;
  return {
    scansioneDiScatola: {
      impronta: box.sha256,
      nomeOriginale: origin.boxFilename,
      formato: box.mediaType,
      dimensione: box.size,
      dataAcquisizione: box.createdAt,
      modalitaSuddivisione: box.boxSplit ?? 'separators',
      chiaveOriginale: keys.original(box.id),
      chiavePiano: keys.splitPlan(box.id),
    },
    parte: origin.part,
    pagineDellaScatola: origin.pages,
    pagineSeparatore: origin.separatorPages,
    pagineBianche: origin.blankPages,
    separatore: defined({
      pratica: h.practiceKey,
      comune: h.comune,
      procedimento: h.proc,
      scatola: h.box,
      tipologiaDocumentale: h.documentType,
    }),
    avvisi: origin.warnings,
  };
}

export function splitOriginOf(p: ManifestProvenance): SplitOrigin {
  const s = p.separatore;
  return {
    boxScan: p.scansioneDiScatola.impronta,
    boxFilename: p.scansioneDiScatola.nomeOriginale,
    part: p.parte,
    pages: p.pagineDellaScatola,
    separatorPages: p.pagineSeparatore,
    blankPages: p.pagineBianche,
    warnings: p.avvisi,
    hints: defined({
      practiceKey: s.pratica,
      comune: s.comune,
      proc: s.procedimento,
      box: s.scatola,
      documentType: s.tipologiaDocumentale,
    }),
  };
}
