// Italian names for the codes the search facets and the document metadata carry: the closed vocabularies of
// src/domain/vocabulary.ts (the Professionista role cannot read /api/reference). An unknown code is shown readable
// rather than hidden.
import { DOCUMENT_TYPE_LABELS, PROCEDURE_LABELS } from '../../../../domain/vocabulary.ts';
import { comuneLabel } from '../../union.ts';

export const FACET_NAMES: Record<string, string> = {
  comune: 'Comune',
  documentType: 'Tipo documento',
  procedureType: 'Procedimento',
  titolarioClass: 'Classe titolario',
  year: 'Anno',
};

const readable = (code: string): string => {
  const s = code.replace(/_/g, ' ').trim();
  return s ? s[0]!.toUpperCase() + s.slice(1) : code;
};

const byCode = (labels: Record<string, string>, code: string): string => labels[code] ?? readable(code);

export const procedureLabel = (code: string): string => byCode(PROCEDURE_LABELS, code);
export const documentTypeLabel = (code: string): string => byCode(DOCUMENT_TYPE_LABELS, code);

/** The label of a facet value for people. */
export function facetValueLabel(facet: string, value: string): string {
  if (facet === 'documentType') return documentTypeLabel(value);
  if (facet === 'procedureType') return procedureLabel(value);
  if (facet === 'comune') return comuneLabel(value);
  return value;
}
