// A document status as a coloured badge with its Italian name.
import { statusLabel } from '../status.ts';

export interface StatusBadgeProps {
  status: string;
}

export function StatusBadge({ status }: StatusBadgeProps) {
  const tone = status === 'archived' || status === 'split' ? 'ok' : status === 'failed' ? 'error' : 'progress';
  return <span class={`badge badge-${tone}`}>{statusLabel(status)}</span>;
}
