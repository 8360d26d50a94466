import { describe, expect, it } from 'vitest';
import { extractEntities } from '../../src/classify/entities.ts';
import { entityIndicators } from '../../src/classify/entities.indicators.ts';
import { syntheticRows } from '../../src/classify/model/dataset.ts';

/** The indicators as feature extraction derived them from the full extraction before entityIndicators existed. */
function fromFullExtraction(text: string): string[] {
  const e = extractEntities([text]);
  const out: string[] = [];
  const practice = e.best.practiceRef;
  if (practice) {
    out.push('practiceRef', `prefix:${practice.value.prefix}`);
    if (practice.value.procedureType) out.push(`procedure:${practice.value.procedureType}`);
  } else out.push('noPracticeRef');
  if (e.best.protocol) out.push('protocol');
  if (e.best.cadastral) out.push('cadastral');
  if (e.best.address) out.push('address');
  if (e.best.taxCode) out.push('taxCode');
  if (e.best.vatNumber) out.push('vatNumber');
  if (e.best.applicant) out.push('applicant');
  out.push(`dates:${Math.min(e.dates.length, 4)}`);
  return out;
}

describe('entity indicators of the classifier features', () => {
  it('equal the flags derived from the full extraction, in the same order, on generated documents', () => {
    // clean text and heavy OCR noise, practice files and protocol letters
    const rows = [
      ...syntheticRows('documentType', { rows: 600, seed: 11, cer: 0 }),
      ...syntheticRows('titolarioClass', { rows: 600, seed: 12, cer: 0.08, protocolShare: 0.6 }),
    ];
    const seen = new Set<string>();
    for (const { text } of rows) {
      const expected = fromFullExtraction(text);
      expect(entityIndicators(text)).toEqual(expected);
      for (const flag of expected) seen.add(flag.replace(/:.*/, ''));
    }
    // every kind of indicator occurred, or the comparison proves little for it
    expect([...seen].sort()).toEqual(
      [
        'address',
        'applicant',
        'cadastral',
        'dates',
        'noPracticeRef',
        'practiceRef',
        'prefix',
        'procedure',
        'protocol',
        'taxCode',
        'vatNumber',
      ].sort(),
    );
  });

  it('name the practice of an archive reference with its procedure and count dates up to four', () => {
    const text =
      'Pratica edilizia n. 12/2005. Permesso di costruire n. 12/2005 rilasciato il 03/04/2005, ' +
      'lavori dal 1° giugno 2005 al 12/12/2006, collaudo 05-05-2007, agibilità 2 marzo 2008. Via Roma 12.';
    expect(entityIndicators(text)).toEqual([
      'practiceRef',
      'prefix:PE',
      'procedure:permesso_di_costruire',
      'address',
      'dates:4',
    ]);
    expect(entityIndicators('Nessun riferimento qui.')).toEqual(['noPracticeRef', 'dates:0']);
  });
});
