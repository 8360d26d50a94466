// Italian names of the paper inventory's states, access requests' states, requester roles and import fields: the
// server's vocabularies (src/domain/paper-vocabulary.ts), with the import fields worded for the mapping step.
import {
  ACCESS_REQUEST_STATES,
  ACCESS_REQUEST_STATE_LABELS,
  INVENTORY_FIELDS,
  INVENTORY_FIELD_LABELS as SERVER_FIELD_LABELS,
  PAPER_STATES,
  PAPER_STATE_LABELS,
  REQUESTER_ROLES,
  REQUESTER_ROLE_LABELS,
  type AccessRequestState,
  type InventoryField,
  type PaperState,
} from '../../domain/paper-vocabulary.ts';
import type { PaperLocation } from './types.ts';

export {
  ACCESS_REQUEST_STATES,
  ACCESS_REQUEST_STATE_LABELS,
  INVENTORY_FIELDS,
  PAPER_STATES,
  PAPER_STATE_LABELS,
  REQUESTER_ROLES,
  REQUESTER_ROLE_LABELS,
};

/** The fields of an inventory import, in the order the mapping step lists them. */
export const INVENTORY_FIELD_LABELS: Record<InventoryField, string> = {
  ...SERVER_FIELD_LABELS,
  practice: 'Pratica (es. "PE 123/1987")',
  civic: 'Civico (se in una colonna a parte)',
  expectedPages: 'Pagine (consistenza)',
};

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
