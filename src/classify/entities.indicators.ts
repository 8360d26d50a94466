// The entity indicators of the classifier's features (features.ts, group "e"): which entity kinds a text holds, the
// procedure of its practice reference and how many dates it cites. The same flags the full extraction (entities.ts)
// implies, without building what feature extraction does not use (every kind's best pick, the lists it keeps).
import { bestPractice } from './entities.ts';
import { extractAddresses } from './entities.address.ts';
import { extractApplicants } from './entities.applicant.ts';
import { extractCadastral } from './entities.cadastral.ts';
import { extractDates } from './entities.dates.ts';
import { extractPracticeRefs } from './entities.practice.ts';
import { extractProtocols } from './entities.protocol.ts';
import { extractTaxCodes, extractVatNumbers } from './entities.tax-ids.ts';

/** Dates are counted up to this ("dates:4" = four or more). */
export const MAX_DATES_INDICATOR = 4;

/**
 * Indicator names of a one-page text, in a fixed order (the feature values depend on it): "practiceRef",
 * "prefix:<p>", "procedure:<t>" or "noPracticeRef"; then "protocol", "cadastral", "address", "taxCode",
 * "vatNumber", "applicant" when found; last "dates:<0–4>".
 */
export function entityIndicators(text: string): string[] {
  const out: string[] = [];
  const practice = bestPractice(extractPracticeRefs(text, 1));
  if (practice) {
    out.push('practiceRef', `prefix:${practice.value.prefix}`);
    if (practice.value.procedureType) out.push(`procedure:${practice.value.procedureType}`);
  } else out.push('noPracticeRef');
  if (extractProtocols(text, 1).length > 0) out.push('protocol');
  if (extractCadastral(text, 1).length > 0) out.push('cadastral');
  if (extractAddresses(text, 1).length > 0) out.push('address');
  if (extractTaxCodes(text, 1).length > 0) out.push('taxCode');
  if (extractVatNumbers(text, 1).length > 0) out.push('vatNumber');
  if (extractApplicants(text, 1).length > 0) out.push('applicant');
  out.push(`dates:${Math.min(extractDates(text, 1).length, MAX_DATES_INDICATOR)}`);
  return out;
}
