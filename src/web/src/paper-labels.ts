// Italian names of the paper inventory's states, access requests' states, requester roles and import fields (the
// vocabularies of src/paper/paper-store.ts, repeated here because the browser bundle does not import server code).
import type { AccessRequestState, InventoryField, PaperLocation, PaperState, RequesterRole } from './types.ts';

export const PAPER_STATE_LABELS: Record<PaperState, string> = {
  paper: 'Solo cartaceo',
  requested: 'Digitalizzazione richiesta',
  scanned: 'Scansionata',
  archived: 'Archiviata',
};
export const PAPER_STATES = Object.keys(PAPER_STATE_LABELS) as PaperState[];

export const ACCESS_REQUEST_STATE_LABELS: Record<AccessRequestState, string> = {
  pending: 'In attesa',
  approved: 'Approvata',
  rejected: 'Respinta',
  expired: 'Scaduta',
  withdrawn: 'Ritirata',
};
export const ACCESS_REQUEST_STATES = Object.keys(ACCESS_REQUEST_STATE_LABELS) as AccessRequestState[];

export const REQUESTER_ROLE_LABELS: Record<RequesterRole, string> = {
  owner: 'Proprietario',
  delegated_technician: 'Tecnico delegato',
  notary: 'Notaio',
  buyer: 'Promissario acquirente',
  neighbour: 'Confinante',
  other: 'Altro interessato',
};
export const REQUESTER_ROLES = Object.keys(REQUESTER_ROLE_LABELS) as RequesterRole[];

/** The fields of an inventory import, in the order the mapping step lists them. */
export const INVENTORY_FIELD_LABELS: Record<InventoryField, string> = {
  practice: 'Pratica (es. "PE 123/1987")',
  procedureType: 'Tipo di procedimento',
  number: 'Numero',
  year: 'Anno',
  applicant: 'Richiedente',
  address: 'Indirizzo',
  civic: 'Civico (se in una colonna a parte)',
  foglio: 'Foglio',
  mappale: 'Mappale',
  subalterno: 'Subalterno',
  building: 'Edificio',
  room: 'Stanza',
  shelf: 'Scaffale',
  box: 'Faldone',
  notes: 'Note',
};
export const INVENTORY_FIELDS = Object.keys(INVENTORY_FIELD_LABELS) as InventoryField[];

/** Badge tone of a paper state: archived is done, paper-only is neutral, the rest are in progress. */
export function paperStateTone(state: PaperState): 'ok' | 'progress' | 'neutral' {
  return state === 'archived' ? 'ok' : state === 'paper' ? 'neutral' : 'progress';
}

export function accessStateTone(state: AccessRequestState): 'ok' | 'progress' | 'error' | 'neutral' {
  if (state === 'approved') return 'ok';
  if (state === 'pending') return 'progress';
  if (state === 'rejected') return 'error';
  return 'neutral';
}

/** "Edificio A, stanza 2, scaffale 3, faldone 12" (parts the record has), or "" when the location is unknown. */
export function locationText(loc: PaperLocation | undefined): string {
  if (!loc) return '';
  const parts: string[] = [];
  if (loc.building) parts.push(`edificio ${loc.building}`);
  if (loc.room) parts.push(`stanza ${loc.room}`);
  if (loc.shelf) parts.push(`scaffale ${loc.shelf}`);
  if (loc.box) parts.push(`faldone ${loc.box}`);
  const text = parts.join(', ');
  return text ? text[0]!.toUpperCase() + text.slice(1) : '';
}

/** "12/03/2025" from an ISO date or date-time; "" for nothing. */
export function italianDay(iso: string | null | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}
