// Result types of the classify step: extracted entities and the classification of one document.
// Shared by the rule classifier (rules.classifier.ts) and the trainable model that will replace its class decision;
// the entity extractor (entities.ts) is reused unchanged by both.
import type { Address, Cadastral, PracticeRef } from '../domain/ground-truth.ts';
import type { DocumentType, ProcedureType } from '../domain/vocabulary.ts';

/** One occurrence of an entity in the OCR text. */
export interface EntityMatch<V> {
  value: V;
  /** 1-based page number. */
  page: number;
  /** UTF-16 offset of `raw` in that page's text. */
  offset: number;
  /** The exact substring matched, OCR errors included. */
  raw: string;
  /** Personal data (GDPR): shown only to roles allowed to see it. */
  personal: boolean;
  /** True when OCR look-alikes (O/0, l/I/1) were corrected to obtain `value`. */
  corrected: boolean;
}

/** The entity chosen to represent the document, with how many times its value occurs. */
export type BestEntity<V> = EntityMatch<V> & { occurrences: number };

export interface PracticeRefValue extends PracticeRef {
  /** Known when the reference names its procedure ("SCIA n. 45/2019"); absent for a generic "PE 123/1987". */
  procedureType?: ProcedureType;
}

export interface ProtocolValue {
  number: number;
  /** ISO date when written beside the number ("del 12/03/1987"). */
  date?: string;
  /** Year when written as "prot. 1234/2020" (or taken from the date). */
  year?: number;
}

export interface ExtractedEntities {
  practiceRefs: EntityMatch<PracticeRefValue>[];
  protocols: EntityMatch<ProtocolValue>[];
  /** ISO dates (yyyy-mm-dd), calendar-validated. */
  dates: EntityMatch<string>[];
  addresses: EntityMatch<Address>[];
  cadastral: EntityMatch<Cadastral>[];
  /** Codici fiscali (16 chars, check character valid), upper case. personal: true. */
  taxCodes: EntityMatch<string>[];
  /** Partite IVA (11 digits, check digit valid). personal: true. */
  vatNumbers: EntityMatch<string>[];
  /** Names after "Il sottoscritto" / "Richiedente:". personal: true. */
  applicants: EntityMatch<string>[];
  best: {
    practiceRef?: BestEntity<PracticeRefValue>;
    protocol?: BestEntity<ProtocolValue>;
    date?: BestEntity<string>;
    address?: BestEntity<Address>;
    cadastral?: BestEntity<Cadastral>;
    taxCode?: BestEntity<string>;
    vatNumber?: BestEntity<string>;
    applicant?: BestEntity<string>;
  };
}

/** A decision with its confidence (0..1) and the reasons behind it (matched rules and phrases). */
export interface Decision<T> {
  value: T;
  confidence: number;
  reasons: string[];
  /** Competing values with their raw scores, best first (the decision itself included). */
  candidates: Array<{ value: T; score: number }>;
}

export interface Classification {
  classifier: { name: string; version: string };
  documentType: Decision<DocumentType> & { label: string };
  /** Absent when nothing in the text points to a procedure. */
  procedureType?: Decision<ProcedureType> & { label: string };
  /** Titolario code, e.g. "VI.3" (or "XIV", a titolo without classi). */
  titolarioClass: Decision<string> & { label: string; titolo: string; titoloLabel: string };
  /** Office id from config/offices.json. */
  office: Decision<string> & { name: string };
  /** Does it look like an incoming protocol letter (mail to route) rather than a document of a practice? */
  protocolLetter: { value: boolean; confidence: number; score: number; reasons: string[] };
  entities: ExtractedEntities;
  /** Human-readable trail: `keyword "relazione tecnica" → relazione_tecnica (+4, p.1)`. */
  explanation: string[];
}

/** Any classifier of the classify step (rules today, a trained model later). */
export type DocumentClassifierFn<R> = (pages: string[], ref: R) => Classification;
