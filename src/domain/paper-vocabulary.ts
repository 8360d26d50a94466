// The closed vocabularies of the paper archive (issue 11) with their Italian names: digitisation states, access
// request states, requester roles and the fields of an inventory import. No imports: the web app uses them too.

/** A practice's digitisation state: solo cartaceo → digitalizzazione richiesta → scansionata → archiviata. */
export const PAPER_STATES = ['paper', 'requested', 'scanned', 'archived'] as const;
export type PaperState = (typeof PAPER_STATES)[number];
export const PAPER_STATE_LABELS: Record<PaperState, string> = {
  paper: 'Solo cartaceo',
  requested: 'Digitalizzazione richiesta',
  scanned: 'Scansionata',
  archived: 'Archiviata',
};

export const ACCESS_REQUEST_STATES = ['pending', 'approved', 'rejected', 'expired', 'withdrawn'] as const;
export type AccessRequestState = (typeof ACCESS_REQUEST_STATES)[number];
export const ACCESS_REQUEST_STATE_LABELS: Record<AccessRequestState, string> = {
  pending: 'In attesa',
  approved: 'Approvata',
  rejected: 'Respinta',
  expired: 'Scaduta',
  withdrawn: 'Ritirata',
};

/** Who the requester is with respect to the property (legittimazione all'accesso). */
export const REQUESTER_ROLES = ['owner', 'delegated_technician', 'notary', 'buyer', 'neighbour', 'other'] as const;
export type RequesterRole = (typeof REQUESTER_ROLES)[number];
export const REQUESTER_ROLE_LABELS: Record<RequesterRole, string> = {
  owner: 'Proprietario',
  delegated_technician: 'Tecnico delegato',
  notary: 'Notaio',
  buyer: 'Promissario acquirente',
  neighbour: 'Confinante',
  other: 'Altro interessato',
};

/** The fields of an inventory import, in the order the mapping step lists them. */
export const INVENTORY_FIELDS = [
  'practice',
  'procedureType',
  'number',
  'year',
  'applicant',
  'address',
  'civic',
  'foglio',
  'mappale',
  'subalterno',
  'building',
  'room',
  'shelf',
  'box',
  'notes',
  'expectedPages',
] as const;
/**
 * 'practice' is the whole reference ("PE 123/1987") in one column, the alternative to procedureType + number + year.
 * 'civic' is a separate civic-number column, joined to the address.
 */
export type InventoryField = (typeof INVENTORY_FIELDS)[number];

export const INVENTORY_FIELD_LABELS: Record<InventoryField, string> = {
  practice: 'Pratica',
  procedureType: 'Tipo di procedimento',
  number: 'Numero',
  year: 'Anno',
  applicant: 'Richiedente',
  address: 'Indirizzo',
  civic: 'Civico',
  foglio: 'Foglio',
  mappale: 'Mappale',
  subalterno: 'Subalterno',
  building: 'Edificio',
  room: 'Stanza',
  shelf: 'Scaffale',
  box: 'Faldone',
  notes: 'Note',
  expectedPages: 'Pagine',
};
