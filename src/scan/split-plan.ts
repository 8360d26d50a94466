// The stored record of how a box scan was split (splits/<sha>/plan.json): what the planner decided for every part,
// and which document each part became. Served by GET /api/documents/:id/split and shown in the batch view.
import type { BoxSplitMode } from '../db/metadata-store.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { keys } from '../store/keys.ts';
import type { BoxSplitOptions, BoxSplitSummary, SplitPart } from './box-split.ts';

export interface SplitPlanPart extends SplitPart {
  /** The document the part became (for a duplicate, the existing document with the same bytes). */
  documentId: string;
  outcome: 'accepted' | 'duplicate';
  filename: string;
  /** One Italian line for people (describeSplitPart). */
  description: string;
}

export interface SplitPlan {
  boxScan: string;
  filename: string;
  mode: BoxSplitMode;
  pages: number;
  parts: SplitPlanPart[];
  summary: BoxSplitSummary;
}

/** What blank pages do for a split mode: only 'separators+blank' splits at them; otherwise they stay content. */
export function blankPagesFor(mode: BoxSplitMode): NonNullable<BoxSplitOptions['blankPages']> {
  return mode === 'separators+blank' ? 'split' : 'keep';
}

/** "scatola.tif" part 3 → "scatola.parte-03.pdf". */
export function partFilename(boxFilename: string, index: number): string {
  const base = boxFilename.replace(/\.[A-Za-z0-9]{1,5}$/, '') || 'scansione';
  return `${base}.parte-${String(index).padStart(2, '0')}.pdf`;
}

/** The stored plan of a box scan, or null when it has none (not a box scan, or not split yet). */
export async function readSplitPlan(store: ObjectStore, boxScanId: string): Promise<SplitPlan | null> {
  const key = keys.splitPlan(boxScanId);
  if (!(await store.head(key))) return null;
  return JSON.parse((await store.getBuffer(key)).toString('utf8')) as SplitPlan;
}
