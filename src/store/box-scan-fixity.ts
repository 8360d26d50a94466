// Fixity of a box scan: it has no archive package (its parts have), but its original is kept whole under
// originals/<sha256> and its split plan beside it. Both are re-read from the store: the original must still hash to
// the box scan's id (its SHA-256), and the plan must be readable, name the box scan and list each part where the
// parts' manifests say they are.
import type { SplitPlan } from '../scan/split-plan.ts';
import { readFingerprint, sha256 } from './hash.ts';
import { keys } from './keys.ts';
import { ObjectNotFoundError, type ObjectStore } from './object-store.ts';

export interface BoxScanFile {
  key: string;
  sha256: string;
  size: number;
}

export interface BoxScanProblem {
  kind: 'missing' | 'altered' | 'unreadable-plan';
  key: string;
  detail: string;
}

export interface BoxScanCheck {
  boxScan: string;
  /** As the store returns them now (null when missing). */
  original: BoxScanFile | null;
  plan: (BoxScanFile & { content: SplitPlan | null }) | null;
  problems: BoxScanProblem[];
}

export async function checkBoxScan(
  store: ObjectStore,
  boxScan: string,
  /** What the parts' manifests (or the database) say: the original's size and where each part is in the plan. */
  expected: { size?: number; parts?: ReadonlyArray<{ part: number; documentId: string }> } = {},
): Promise<BoxScanCheck> {
  const problems: BoxScanProblem[] = [];
  const originalKey = keys.original(boxScan);
  const original = await readFingerprint(store, originalKey);
  if (!original) problems.push({ kind: 'missing', key: originalKey, detail: 'original of a box scan' });
  else if (original.sha256 !== boxScan || (expected.size !== undefined && original.size !== expected.size))
    problems.push({
      kind: 'altered',
      key: originalKey,
      detail: `expected ${boxScan}${expected.size !== undefined ? ` (${expected.size} B)` : ''}, found ${original.sha256} (${original.size} B)`,
    });

  const planKey = keys.splitPlan(boxScan);
  let bytes: Buffer | undefined;
  try {
    bytes = await store.getBuffer(planKey);
  } catch (err) {
    if (!(err instanceof ObjectNotFoundError)) throw err;
    problems.push({ kind: 'missing', key: planKey, detail: 'split plan of a box scan' });
  }
  let plan: BoxScanCheck['plan'] = null;
  if (bytes) {
    let content: SplitPlan | null = null;
    try {
      content = JSON.parse(bytes.toString('utf8')) as SplitPlan;
      if (!Array.isArray(content.parts)) throw new Error('no parts list');
      if (content.boxScan !== boxScan) throw new Error(`the plan is of box scan ${content.boxScan}`);
    } catch (err) {
      content = null;
      problems.push({ kind: 'unreadable-plan', key: planKey, detail: (err as Error).message });
    }
    for (const p of content ? (expected.parts ?? []) : []) {
      const listed = content!.parts.find((x) => x.index === p.part);
      if (listed?.documentId !== p.documentId)
        problems.push({
          kind: 'altered',
          key: planKey,
          detail: `part ${p.part} is document ${p.documentId}, the plan says ${listed?.documentId ?? 'nothing'}`,
        });
    }
    plan = { key: planKey, sha256: sha256(bytes), size: bytes.length, content };
  }
  return {
    boxScan,
    original: original ? { key: originalKey, ...original } : null,
    plan,
    problems,
  };
}
