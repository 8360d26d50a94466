// Badges of the paper archive: a practice's digitisation state and an access request's state, in Italian.
import { ACCESS_REQUEST_STATE_LABELS, accessStateTone, PAPER_STATE_LABELS, paperStateTone } from '../paper-labels.ts';
import type { AccessRequestState, PaperState } from '../types.ts';

export function PaperStateBadge({ state, label }: { state: PaperState; label?: string }) {
  return <span class={`badge badge-${paperStateTone(state)}`}>{label ?? PAPER_STATE_LABELS[state] ?? state}</span>;
}

export function AccessStateBadge({ state }: { state: AccessRequestState }) {
  return <span class={`badge badge-${accessStateTone(state)}`}>{ACCESS_REQUEST_STATE_LABELS[state] ?? state}</span>;
}
