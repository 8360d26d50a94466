// Priority of a practice on the scan work list (digitalizzazione su richiesta): people waiting weigh most, then how
// long they have waited, then how much the area around the practice is asked about. Pure, so the ordering is tested
// without a database.
import type { ScanCandidate } from './paper-store.ts';

export const PRIORITY_WEIGHTS = {
  /** Per access request waiting for the practice's scans. */
  waitingRequest: 10,
  /** Per day the oldest waiting request has waited, up to `maxAgeDays`. */
  ageDay: 0.5,
  maxAgeDays: 60,
  /** Per recent request for other practices of the same parcel (else street). */
  areaRequest: 2,
} as const;

export interface Priority {
  priority: number;
  /** Whole days since the oldest waiting request (or since the practice was planned, without requests). */
  ageDays: number;
  /** Each term that counts, for people: "3 richieste in attesa", "in attesa da 12 giorni", … */
  reasons: string[];
}

const DAY_MS = 86_400_000;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Whole days from `since` (ISO) to `now`; 0 when `since` is missing, unreadable or in the future. */
export function daysSince(since: string | undefined, now: Date): number {
  const t = since ? Date.parse(since) : NaN;
  return Number.isFinite(t) ? Math.max(0, Math.floor((now.getTime() - t) / DAY_MS)) : 0;
}

/** 10 × waiting requests + 0.5 × age of the oldest request in days (capped at 60) + 2 × area requests. */
export function priority(candidate: ScanCandidate, now: Date): Priority {
  const w = PRIORITY_WEIGHTS;
  const waiting = Math.max(0, candidate.waitingRequests);
  const area = Math.max(0, candidate.areaRequests);
  // A practice planned by the archive without requests ages from the moment it was planned.
  const ageDays = daysSince(candidate.oldestRequestAt || candidate.record.stateAt, now);
  const countedDays = Math.min(ageDays, w.maxAgeDays);
  const value = w.waitingRequest * waiting + w.ageDay * countedDays + w.areaRequest * area;

  const reasons: string[] = [];
  if (waiting > 0) reasons.push(`${plural(waiting, 'richiesta', 'richieste')} in attesa`);
  else reasons.push("pianificata dall'archivio, nessuna richiesta in attesa");
  if (ageDays > 0) {
    const since = waiting > 0 ? 'in attesa da' : 'pianificata da';
    reasons.push(
      `${since} ${plural(ageDays, 'giorno', 'giorni')}${ageDays > w.maxAgeDays ? ` (contano al massimo ${w.maxAgeDays})` : ''}`,
    );
  }
  if (area > 0) reasons.push(`${plural(area, 'richiesta', 'richieste')} nella stessa zona`);
  return { priority: Math.round(value * 10) / 10, ageDays, reasons };
}

/** Highest priority first; on a tie the oldest request first, then the practice key (a stable order). */
export function byPriority<T extends { priority: number; oldestRequestAt: string; record: { practiceKey: string } }>(
  a: T,
  b: T,
): number {
  return (
    b.priority - a.priority ||
    (Date.parse(a.oldestRequestAt) || 0) - (Date.parse(b.oldestRequestAt) || 0) ||
    a.record.practiceKey.localeCompare(b.record.practiceKey)
  );
}
