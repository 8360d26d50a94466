// A building practice (fascicolo): procedure, reference, applicant, technician, property and its timeline.
// Every document of the practice is written from the same case.
import type { Address, Cadastral, PracticeRef } from '../domain/ground-truth.ts';
import type { DocumentType, ProcedureType } from '../domain/vocabulary.ts';
import { COMPANY_FORMS, COMPANY_NAMES, PRG_ZONES, TECHNICIAN_TITLES, type Municipality } from './content.data.ts';
import {
  addDays,
  fullName,
  LATEST_DATE,
  minDate,
  randomAddress,
  randomCadastral,
  randomDateInYear,
  randomPerson,
  type Person,
  type SDate,
} from './content.format.ts';
import { protocolNumberFor, protocolsPerDay } from './content.common.ts';
import { randomPartitaIva } from './content.tax-ids.ts';
import type { Rng } from './random.ts';

export type Applicant =
  | { kind: 'person'; person: Person }
  | { kind: 'company'; name: string; rep: Person; vat: string }; // vat: the company's partita IVA

export interface Technician {
  title: string; // "Geom."
  register: string; // "Collegio dei Geometri"
  registerNumber: number;
  person: Person;
}

/** One building practice (fascicolo): what all its documents share. */
export interface PracticeCase {
  municipality: Municipality;
  procedureType: ProcedureType;
  ref: PracticeRef;
  refStyle: number;
  applicant: Applicant;
  technician: Technician;
  official: { title: string; person: Person }; // who signs for the Comune
  address: Address;
  cadastral: Cadastral;
  work: string; // the works, as an object phrase: "la costruzione di ..."
  zone: string;
  submitted: SDate;
  submittedProtocol: number;
  perDay: number;
}

interface ProcedureInfo {
  prefixes: readonly string[];
  years: readonly (readonly [number, number])[];
  docTypes: readonly DocumentType[]; // in chronological order
  works: readonly string[];
}

const NEW_BUILDING_WORKS = [
  'la costruzione di un fabbricato di civile abitazione unifamiliare',
  'la costruzione di un edificio residenziale di n. 4 alloggi con autorimesse',
  "l'ampliamento del fabbricato residenziale esistente",
  'la sopraelevazione di un piano del fabbricato esistente',
  'la costruzione di un capannone ad uso artigianale',
  "la costruzione di un'autorimessa pertinenziale",
  'la demolizione e ricostruzione di un fabbricato rurale',
] as const;

const PROCEDURES: Record<ProcedureType, ProcedureInfo> = {
  licenza_edilizia: {
    prefixes: ['LE', 'PE'],
    years: [[1958, 1976]],
    docTypes: ['domanda', 'relazione_tecnica', 'parere', 'titolo_rilasciato', 'comunicazione_inizio_lavori', 'comunicazione_fine_lavori', 'corrispondenza'],
    works: NEW_BUILDING_WORKS,
  },
  concessione_edilizia: {
    prefixes: ['CE', 'PE'],
    years: [[1978, 2002]],
    docTypes: ['domanda', 'relazione_tecnica', 'integrazione', 'parere', 'titolo_rilasciato', 'comunicazione_inizio_lavori', 'comunicazione_fine_lavori', 'corrispondenza'],
    works: NEW_BUILDING_WORKS,
  },
  permesso_di_costruire: {
    prefixes: ['PDC', 'PE'],
    years: [[2003, 2024]],
    docTypes: ['domanda', 'relazione_tecnica', 'integrazione', 'parere', 'titolo_rilasciato', 'comunicazione_inizio_lavori', 'comunicazione_fine_lavori', 'corrispondenza'],
    works: NEW_BUILDING_WORKS,
  },
  dia: {
    prefixes: ['DIA'],
    years: [[2002, 2010]],
    docTypes: ['domanda', 'relazione_tecnica', 'integrazione', 'comunicazione_inizio_lavori', 'comunicazione_fine_lavori', 'corrispondenza'],
    works: [
      "la ristrutturazione edilizia dell'unità immobiliare",
      'la manutenzione straordinaria con rifacimento della copertura',
      "il frazionamento dell'unità immobiliare in due alloggi",
      'la realizzazione di una recinzione con cancello carraio',
      "il cambio di destinazione d'uso da magazzino ad abitazione",
    ],
  },
  scia: {
    prefixes: ['SCIA'],
    years: [[2011, 2024]],
    docTypes: ['domanda', 'relazione_tecnica', 'integrazione', 'comunicazione_fine_lavori', 'corrispondenza'],
    works: [
      "la ristrutturazione edilizia dell'unità immobiliare",
      'il rifacimento della copertura con isolamento termico',
      'modifiche prospettiche con apertura di nuove finestre',
      "il frazionamento dell'unità immobiliare in due alloggi",
      "il cambio di destinazione d'uso da ufficio ad abitazione",
    ],
  },
  cila: {
    prefixes: ['CILA'],
    years: [[2015, 2024]],
    docTypes: ['domanda', 'relazione_tecnica', 'integrazione', 'comunicazione_fine_lavori', 'corrispondenza'],
    works: [
      'la manutenzione straordinaria con diversa distribuzione degli spazi interni',
      'il rifacimento degli impianti e dei servizi igienici',
      "l'installazione di pannelli fotovoltaici sulla copertura",
      'la fusione di due unità immobiliari',
    ],
  },
  condono: {
    prefixes: ['COND', 'PE'],
    years: [[1985, 1987], [1995, 1995], [2004, 2004]],
    docTypes: ['domanda', 'relazione_tecnica', 'integrazione', 'parere', 'titolo_rilasciato', 'corrispondenza'],
    works: [
      'la realizzazione senza titolo di una veranda chiusa al piano primo',
      "l'ampliamento abusivo del piano terra ad uso ripostiglio",
      'la costruzione senza licenza di un locale accessorio',
      "il cambio di destinazione d'uso senza titolo del sottotetto",
    ],
  },
  agibilita: {
    prefixes: ['AGI'],
    years: [[1996, 2024]],
    docTypes: ['domanda', 'integrazione', 'certificato_agibilita', 'corrispondenza'],
    works: [
      'il fabbricato residenziale di nuova costruzione',
      "l'unità immobiliare oggetto di ristrutturazione",
      'il fabbricato ampliato con i lavori ultimati',
    ],
  },
  autorizzazione_paesaggistica: {
    prefixes: ['AP'],
    years: [[2006, 2024]],
    docTypes: ['domanda', 'relazione_tecnica', 'parere', 'titolo_rilasciato', 'integrazione'],
    works: [
      'la realizzazione di una piscina pertinenziale',
      'il rifacimento della copertura con manto in coppi',
      "l'installazione di pannelli solari in area vincolata",
      'la modifica dei prospetti del fabbricato in area vincolata',
    ],
  },
};

/** Document types a practice of this procedure may hold, in the order they are produced. */
export function practiceDocumentTypes(procedureType: ProcedureType): readonly DocumentType[] {
  return PROCEDURES[procedureType].docTypes;
}

const PROCEDURE_WEIGHTS: ReadonlyArray<readonly [ProcedureType, number]> = [
  ['licenza_edilizia', 1.5],
  ['concessione_edilizia', 3],
  ['permesso_di_costruire', 3],
  ['dia', 1.5],
  ['scia', 2],
  ['cila', 1.5],
  ['condono', 2],
  ['agibilita', 1.5],
  ['autorizzazione_paesaggistica', 1],
];

export function randomPracticeCase(rng: Rng, municipality: Municipality, procedureType?: ProcedureType): PracticeCase {
  const proc = procedureType ?? rng.weighted(PROCEDURE_WEIGHTS);
  const info = PROCEDURES[proc];
  const [y0, y1] = rng.pick(info.years);
  const year = rng.int(y0, y1);
  const submitted = randomDateInYear(rng, year);
  const perDay = protocolsPerDay(rng);
  const applicant: Applicant = rng.chance(0.15)
    ? { kind: 'company', name: `${rng.pick(COMPANY_NAMES)} ${rng.pick(COMPANY_FORMS)}`, rep: randomPerson(rng, year), vat: randomPartitaIva(rng.fork('partita-iva')) }
    : { kind: 'person', person: randomPerson(rng, year) };
  const [title, register] = rng.pick(TECHNICIAN_TITLES);
  return {
    municipality,
    procedureType: proc,
    ref: { prefix: rng.pick(info.prefixes), number: rng.int(1, proc === 'condono' ? 1800 : 420), year },
    refStyle: rng.int(0, 5),
    applicant,
    technician: { title, register, registerNumber: rng.int(120, 3400), person: randomPerson(rng, year) },
    official: { title: rng.pick(['Ing.', 'Arch.', 'Geom.', 'Dott.']), person: randomPerson(rng, year) },
    address: randomAddress(rng),
    cadastral: randomCadastral(rng, rng.chance(0.7)),
    work: rng.pick(info.works),
    zone: rng.pick(PRG_ZONES),
    submitted,
    submittedProtocol: protocolNumberFor(rng, submitted, perDay),
    perDay,
  };
}

export function applicantName(a: Applicant): string {
  return a.kind === 'person' ? fullName(a.person) : a.name;
}

/** Plausible date of a document of the given type within the practice's history. */
export function documentDate(rng: Rng, c: PracticeCase, type: DocumentType): SDate {
  const s = c.submitted;
  const after = (min: number, max: number, from: SDate = s): SDate =>
    minDate(addDays(from, rng.int(min, max)), LATEST_DATE);
  const released = releaseDate(c);
  switch (type) {
    case 'domanda':
    case 'relazione_tecnica':
    case 'elaborato_grafico':
      return s;
    case 'integrazione':
      return after(15, 70);
    case 'parere':
      return after(25, 90);
    case 'titolo_rilasciato':
    case 'certificato_agibilita':
      return released;
    case 'comunicazione_inizio_lavori':
      return after(15, 240, released);
    case 'comunicazione_fine_lavori':
      return after(300, 1100, released);
    default:
      return after(5, 400);
  }
}

export function releaseDate(c: PracticeCase): SDate {
  // a fixed function of the case, so the titolo and later documents agree on it
  const span = c.procedureType === 'condono' ? 700 + (c.ref.number % 2000) : 70 + (c.ref.number % 120);
  return minDate(addDays(c.submitted, span), LATEST_DATE);
}

/** Filed with the application: same date and protocol registration as the domanda. */
export const ATTACHED_TO_DOMANDA: ReadonlySet<DocumentType> = new Set<DocumentType>(['domanda', 'relazione_tecnica', 'elaborato_grafico']);

export const INCOMING: ReadonlySet<DocumentType> = new Set<DocumentType>([
  'domanda',
  'relazione_tecnica',
  'comunicazione_inizio_lavori',
  'comunicazione_fine_lavori',
]);

