// The mapping of a file's columns onto the fields of a paper inventory import (the fields and their labels are in
// src/domain/paper-vocabulary.ts): the header spellings (Italian and English) a column is recognised by.
import { parsePracticeKey } from '../classify/practice-keys.ts';
import { INVENTORY_FIELDS, type InventoryField } from '../domain/paper-vocabulary.ts';

export { INVENTORY_FIELDS, INVENTORY_FIELD_LABELS, type InventoryField } from '../domain/paper-vocabulary.ts';

export type InventoryMapping = Partial<Record<InventoryField, string>>;

/** Header spellings, compacted like compactHeader(), per field; the first field whose list has the header wins. */
const SYNONYMS: Record<InventoryField, readonly string[]> = {
  practice: [
    'npratica',
    'nrpratica',
    'numpratica',
    'numeropratica',
    'pratica',
    'praticaedilizia',
    'riferimento',
    'riferimentopratica',
    'estremipratica',
    'practice',
    'practiceno',
    'practicenumber',
    'reference',
  ],
  procedureType: [
    'tipopratica',
    'tipo',
    'tipologia',
    'tipologiapratica',
    'tipoprocedimento',
    'procedimento',
    'titolo',
    'tipotitolo',
    'type',
    'proceduretype',
    'practicetype',
  ],
  number: ['numero', 'n', 'nr', 'num', 'no', 'number', 'numeroprotocollo'],
  year: ['anno', 'annopratica', 'year'],
  applicant: [
    'richiedente',
    'intestatario',
    'titolare',
    'ditta',
    'committente',
    'proprietario',
    'nominativo',
    'applicant',
    'owner',
    'holder',
  ],
  address: ['indirizzo', 'via', 'ubicazione', 'localizzazione', 'strada', 'viapiazza', 'address', 'street'],
  civic: ['civico', 'ncivico', 'numerocivico', 'civ', 'civic', 'housenumber', 'streetnumber'],
  foglio: ['foglio', 'fg', 'sheet', 'fogliocatastale'],
  mappale: ['mappale', 'particella', 'mapp', 'part', 'map', 'parcel', 'plot'],
  subalterno: ['sub', 'subalterno', 'subaltern', 'unit'],
  building: ['edificio', 'sede', 'palazzo', 'building', 'site'],
  room: ['stanza', 'locale', 'sala', 'room'],
  shelf: ['scaffale', 'armadio', 'ripiano', 'scaffalatura', 'shelf', 'rack'],
  box: ['faldone', 'busta', 'scatola', 'contenitore', 'cartella', 'box', 'folder', 'binder'],
  notes: ['note', 'annotazioni', 'osservazioni', 'nota', 'notes', 'remarks', 'comments'],
  // "N. pagine" and "Numero fogli" would otherwise be taken by `number` as a prefix match.
  expectedPages: [
    'pagine',
    'npagine',
    'numeropagine',
    'totalepagine',
    'fogli',
    'nfogli',
    'numerofogli',
    'consistenza',
    'pages',
    'pagecount',
    'npages',
  ],
};

/** "N. pratica" → "npratica": lower case, accents folded, letters and digits only. */
export function compactHeader(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

/**
 * The suggested column of every field (null when none matches), from the headers and, when given, the first rows: a
 * "N. pratica" column holding bare numbers is the number, a "Numero" column holding "PE 123/1987" is the practice.
 * A column is used for one field only.
 */
export function suggestMapping(
  columns: readonly string[],
  sample: readonly (readonly string[])[] = [],
): Record<InventoryField, string | null> {
  const out = Object.fromEntries(INVENTORY_FIELDS.map((f) => [f, null])) as Record<InventoryField, string | null>;
  const taken = new Set<string>();
  const compacted = columns.map((c) => [c, compactHeader(c)] as const);
  for (const field of INVENTORY_FIELDS) {
    // Exact spellings first, in the order the synonyms list them; then a header starting with one (e.g. "Anno pratica").
    const exact = SYNONYMS[field]
      .map((s) => compacted.find(([c, k]) => k === s && !taken.has(c)))
      .find((m) => m !== undefined);
    const prefix =
      exact ??
      compacted.find(
        ([c, k]) =>
          !taken.has(c) && SYNONYMS[field].some((s) => s.length >= 4 && k.startsWith(s) && !isOtherField(k, field)),
      );
    if (prefix) {
      out[field] = prefix[0];
      taken.add(prefix[0]);
    }
  }
  const values = (column: string | null) => {
    const i = column === null ? -1 : columns.indexOf(column);
    return i < 0 ? [] : sample.map((r) => (r[i] ?? '').trim()).filter(Boolean);
  };
  const mostly = (vs: string[], test: (v: string) => boolean) =>
    vs.length > 0 && vs.filter(test).length * 2 > vs.length;
  if (out.practice && !out.number && mostly(values(out.practice), (v) => /^[0-9]+$/.test(v))) {
    [out.number, out.practice] = [out.practice, null];
  } else if (out.number && !out.practice && mostly(values(out.number), (v) => parsePracticeKey(v) !== undefined)) {
    [out.practice, out.number] = [out.number, null];
  }
  return out;
}

/** Whether a compacted header is an exact spelling of another field (so a prefix match must not steal it). */
function isOtherField(k: string, field: InventoryField): boolean {
  return INVENTORY_FIELDS.some((f) => f !== field && SYNONYMS[f].includes(k));
}

/** What a mapping lacks to identify a practice (Italian, for people), or null when it is enough. */
export function mappingProblem(m: InventoryMapping): string | null {
  if (m.practice) return null;
  if (m.procedureType && m.number && m.year) return null;
  return 'Indica la colonna della pratica (es. "PE 123/1987") oppure quelle di tipo di procedimento, numero e anno';
}
