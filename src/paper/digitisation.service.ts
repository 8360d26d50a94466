// Digitisation on demand for the archive staff: the scan work list (practices waiting for scanning, highest priority
// first, with where their box sits), planning a practice for scanning without a request, and the progress report.
import { actsOn, type TenantScope } from '../tenancy/tenant-scope.ts';
import { comuneName, type UnionSettings } from '../tenancy/comuni.ts';
import { PAPER_STATE_LABELS, type InventoryRecord, type PaperLocation, type PaperStore } from './paper-store.ts';
import { byPriority, priority } from './worklist-priority.ts';
import { digitisationProgress, type Progress } from './progress.ts';

/** An inventory record as the API shows it. */
export interface InventoryView extends InventoryRecord {
  comuneName: string;
  stateLabel: string;
}

export function toInventoryView(record: InventoryRecord, union: UnionSettings): InventoryView {
  return { ...record, comuneName: comuneName(union, record.comune), stateLabel: PAPER_STATE_LABELS[record.state] };
}

/** "Edificio Municipio, stanza 2, scaffale B, faldone 14"; "" when the location is unknown. */
export function locationLabel(location: PaperLocation): string {
  const parts: Array<[string, string | undefined]> = [
    ['edificio', location.building],
    ['stanza', location.room],
    ['scaffale', location.shelf],
    ['faldone', location.box],
  ];
  const label = parts
    .filter(([, v]) => v?.trim())
    .map(([k, v]) => `${k} ${v!.trim()}`)
    .join(', ');
  return label ? label[0]!.toUpperCase() + label.slice(1) : '';
}

export interface WorklistItem {
  record: InventoryView;
  priority: number;
  waitingRequests: number;
  oldestRequestAt: string;
  ageDays: number;
  areaRequests: number;
  reasons: string[];
  /** Where to fetch the box: building, room, shelf, box. */
  location: string;
}

export class DigitisationError extends Error {
  constructor(
    message: string,
    readonly statusCode: 403 | 404 | 409,
    readonly code: string,
  ) {
    super(message);
    this.name = 'DigitisationError';
  }
}

const DAY_MS = 86_400_000;

export interface DigitisationDeps {
  paper: PaperStore;
  union: UnionSettings;
}

export class DigitisationService {
  constructor(private readonly deps: DigitisationDeps) {}

  /** Practices waiting for scanning in `comuni` (default: all), highest priority first, then the oldest request. */
  async worklist(opts: { comuni?: readonly string[]; now?: Date } = {}): Promise<{ items: WorklistItem[] }> {
    const now = opts.now ?? new Date();
    const areaSince = new Date(now.getTime() - this.deps.union.areaDays * DAY_MS).toISOString();
    const candidates = await this.deps.paper.scanCandidates({
      areaSince,
      ...(opts.comuni ? { comuni: opts.comuni } : {}),
    });
    const items = candidates.map((c): WorklistItem => {
      const p = priority(c, now);
      return {
        record: toInventoryView(c.record, this.deps.union),
        priority: p.priority,
        waitingRequests: c.waitingRequests,
        oldestRequestAt: c.oldestRequestAt,
        ageDays: p.ageDays,
        areaRequests: c.areaRequests,
        reasons: p.reasons,
        location: locationLabel(c.record.location),
      };
    });
    return { items: items.sort(byPriority) };
  }

  /**
   * Puts a paper-only practice on the work list without an access request (the archive plans its own scanning).
   * Planning a practice already on the list changes nothing; a scanned or archived one is a conflict.
   */
  async plan(inventoryId: string, scope: TenantScope, at: Date = new Date()): Promise<InventoryView> {
    const { paper, union } = this.deps;
    const record = await paper.getInventory(inventoryId);
    if (!record) throw new DigitisationError('Pratica non trovata', 404, 'NOT_FOUND');
    if (!actsOn(scope, record.comune))
      throw new DigitisationError('Non puoi operare sulle pratiche di questo Comune', 403, 'COMUNE_NOT_IN_SCOPE');
    let current: InventoryRecord | null = record;
    if (record.state === 'paper')
      current =
        (await paper.setInventoryState(record.comune, record.practiceKey, 'requested', { at: at.toISOString() })) ??
        (await paper.getInventory(inventoryId));
    if (!current) throw new DigitisationError('Pratica non trovata', 404, 'NOT_FOUND');
    if (current.state === 'scanned' || current.state === 'archived')
      throw new DigitisationError(
        `La pratica è già ${current.state === 'archived' ? 'archiviata' : 'scansionata'}`,
        409,
        'ALREADY_DIGITISED',
      );
    return toInventoryView(current, union);
  }

  progress(opts: { comuni?: readonly string[]; now?: Date; windowDays?: number } = {}): Promise<Progress> {
    return digitisationProgress(this.deps.paper, this.deps.union, opts);
  }
}
