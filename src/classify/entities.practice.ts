// Practice references in OCR text ("Pratica edilizia n. 123/1987", "P.E. 123/87", "SCIA n. 45/2019", ...): prefix,
// number, year and, when the spelling names it, the procedure.
import type { ProcedureType } from '../domain/vocabulary.ts';
import type { EntityMatch, PracticeRefValue } from './classification.ts';
import {
  CURRENT_YEAR,
  D,
  expandYear,
  hasConfusable,
  mostlyDigits,
  NUM,
  ocrDigits,
  overlaps,
  START,
  Y4,
  type Span,
} from './entities.ocr-digits.ts';

interface PrefixSpec {
  source: string;
  caseSensitive?: boolean;
  prefix: string;
  procedureType?: ProcedureType;
}

/** Spellings of practice prefixes; bare abbreviations are upper case only ("PE", "CE", not "pe", "ce"). */
const PRACTICE_PREFIXES: PrefixSpec[] = [
  { source: 'pratic[ah]\\s*edilizi[ae]', prefix: 'PE' },
  { source: 'pratica', prefix: 'PE' }, // "Pratica n. 123/1987" in a building archive is a pratica edilizia
  { source: 'P\\.?\\s?E\\.?', caseSensitive: true, prefix: 'PE' },
  { source: 'permesso\\s*(?:di\\s*)?costruire', prefix: 'PDC', procedureType: 'permesso_di_costruire' },
  { source: 'P\\.?\\s?[dD]\\.?\\s?C\\.?', caseSensitive: true, prefix: 'PDC', procedureType: 'permesso_di_costruire' },
  { source: 'S\\.?\\s?C\\.?\\s?I\\.?\\s?A\\.?(?:\\s*edilizia)?', prefix: 'SCIA', procedureType: 'scia' },
  {
    source: "segnalazione\\s*certificata\\s*(?:di\\s*)?inizio\\s*attivit[àa]'?",
    prefix: 'SCIA',
    procedureType: 'scia',
  },
  { source: 'C\\.?\\s?I\\.?\\s?L\\.?\\s?A\\.?', prefix: 'CILA', procedureType: 'cila' },
  { source: 'D\\.?\\s?I\\.?\\s?A\\.?', caseSensitive: true, prefix: 'DIA', procedureType: 'dia' },
  { source: "denuncia\\s*(?:di\\s*)?inizio\\s*(?:di\\s*)?attivit[àa]'?", prefix: 'DIA', procedureType: 'dia' },
  { source: 'concessione\\s*edilizia\\s*in\\s*sanatoria', prefix: 'CE', procedureType: 'condono' },
  { source: 'concessione\\s*(?:edilizia|ad\\s*edificare)', prefix: 'CE', procedureType: 'concessione_edilizia' },
  { source: 'C\\.?\\s?E\\.?', caseSensitive: true, prefix: 'CE', procedureType: 'concessione_edilizia' },
  { source: 'licenza\\s*(?:edilizia|edile|di\\s*costruzione)', prefix: 'LE', procedureType: 'licenza_edilizia' },
  { source: 'L\\.?\\s?E\\.?', caseSensitive: true, prefix: 'LE', procedureType: 'licenza_edilizia' },
  {
    source: '(?:domanda\\s*di\\s*|pratica\\s*di\\s*)?condono(?:\\s*edilizio)?',
    prefix: 'COND',
    procedureType: 'condono',
  },
  { source: 'COND\\.?', caseSensitive: true, prefix: 'COND', procedureType: 'condono' },
  { source: "(?:certificato\\s*di\\s*)?(?:agibilit|abitabilit)[àa]'?", prefix: 'AGI', procedureType: 'agibilita' },
  { source: 'AGI\\.?', caseSensitive: true, prefix: 'AGI', procedureType: 'agibilita' },
  { source: 'autorizzazione\\s*paesaggistica', prefix: 'AP', procedureType: 'autorizzazione_paesaggistica' },
  { source: 'A\\.?\\s?P\\.?', caseSensitive: true, prefix: 'AP', procedureType: 'autorizzazione_paesaggistica' },
];

const PRACTICE_TAIL = `\\s*(?:[,:]\\s*)?${NUM}(${D}{1,6})\\s*\\/\\s*(${Y4}|${D}{2})(?![0-9])`;

const PRACTICE_RES = PRACTICE_PREFIXES.map((spec) => ({
  spec,
  re: new RegExp(`${START}(?:${spec.source})${PRACTICE_TAIL}`, spec.caseSensitive ? 'gu' : 'giu'),
}));

export function extractPracticeRefs(text: string, page: number): EntityMatch<PracticeRefValue>[] {
  const found: Array<EntityMatch<PracticeRefValue> & Span> = [];
  for (const { spec, re } of PRACTICE_RES) {
    for (const m of text.matchAll(re)) {
      const [raw, num, yr] = m;
      if (!mostlyDigits(num, yr)) continue;
      const number = Number(ocrDigits(num!));
      const year = expandYear(ocrDigits(yr!));
      if (number < 1 || year < 1900 || year > CURRENT_YEAR + 1) continue;
      const value: PracticeRefValue = { prefix: spec.prefix, number, year };
      if (spec.procedureType) value.procedureType = spec.procedureType;
      found.push({
        value,
        page,
        offset: m.index,
        raw,
        personal: false,
        corrected: hasConfusable(num, yr),
        start: m.index,
        end: m.index + raw.length,
      });
    }
  }
  // Several spellings can match the same place ("Concessione edilizia in sanatoria" / "Concessione edilizia"):
  // keep the longest match at each place.
  found.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  const kept: typeof found = [];
  for (const f of found) if (!kept.some((k) => overlaps(k, f))) kept.push(f);
  return kept.map(({ start: _s, end: _e, ...rest }) => rest);
}
