// Records managers' decisions as training data: each accepted or corrected routing review becomes a labelled row
// (the document's OCR text → the class or office the person confirmed), a correction weighing more than an
// acceptance. A stable share of the decided documents, chosen by a hash of their id, is kept out of training to
// compare models, so a document never moves from the test side to the training side between two retrains.
import { createHash } from 'node:crypto';
import type { DocumentText } from '../../ocr/assemble.job.ts';
import type { MetadataStore, RoutingReview } from '../../db/metadata-store.ts';
import { keys, PACKAGE_FILES } from '../../store/keys.ts';
import { ObjectNotFoundError, type ObjectStore } from '../../store/object-store.ts';
import type { TrainingRow } from '../model/dataset.ts';

export const ROUTING_TASKS = ['titolarioClass', 'office'] as const;
export type RoutingTask = (typeof ROUTING_TASKS)[number];

export function isRoutingTask(s: string): s is RoutingTask {
  return (ROUTING_TASKS as readonly string[]).includes(s);
}

/** One decided document with its text. */
export interface Decision {
  documentId: string;
  text: string;
  state: 'accepted' | 'corrected';
  suggested: { titolarioClass: string; office: string };
  decided: { titolarioClass: string; office: string };
  reviewedAt: string;
}

export interface LoadedDecisions {
  decisions: Decision[];
  /** Decided documents whose text is in neither the archive package nor the work area (skipped). */
  missingText: string[];
}

const DECIDED = ['accepted', 'corrected'] as const;
const PAGE = 500;

/** Every decided review (optionally only those reviewed at or after `since`), in a stable order. */
export async function listDecidedReviews(db: MetadataStore, since?: string): Promise<RoutingReview[]> {
  const out: RoutingReview[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await db.listRoutingReviews({ state: [...DECIDED], since, limit: PAGE, offset });
    out.push(...page);
    if (page.length < PAGE) break;
  }
  // `since` filters on the review's last update; a refreshed suggestion must not count as a new decision.
  return out
    .filter((r) => r.reviewedAt && (!since || r.reviewedAt >= since))
    .sort((a, b) => (a.documentId < b.documentId ? -1 : a.documentId > b.documentId ? 1 : 0));
}

/** How many decisions were made at or after `since` (all when undefined). */
export async function countDecisionsSince(db: MetadataStore, since?: string): Promise<number> {
  return (await listDecidedReviews(db, since)).length;
}

/** The decided documents with their OCR text (archive package first, then the pipeline's work area). */
export async function loadDecisions(deps: { db: MetadataStore; store: ObjectStore }): Promise<LoadedDecisions> {
  const decisions: Decision[] = [];
  const missingText: string[] = [];
  for (const review of await listDecidedReviews(deps.db)) {
    const text = await documentText(deps, review.documentId);
    if (text === undefined) {
      missingText.push(review.documentId);
      continue;
    }
    decisions.push({
      documentId: review.documentId,
      text,
      state: review.state as Decision['state'],
      suggested: { titolarioClass: review.suggested.titolarioClass, office: review.suggested.office },
      decided: { titolarioClass: review.current.titolarioClass, office: review.current.office },
      reviewedAt: review.reviewedAt!,
    });
  }
  return { decisions, missingText };
}

/** The document's OCR text, pages joined as the classify step joins them; undefined when none is stored. */
export async function documentText(
  deps: { db: MetadataStore; store: ObjectStore },
  documentId: string,
): Promise<string | undefined> {
  const doc = await deps.db.getDocument(documentId);
  const candidates = [
    doc?.archiveKey ? `${doc.archiveKey}/${PACKAGE_FILES.text}` : undefined,
    keys.workText(documentId),
  ];
  for (const key of candidates) {
    if (!key) continue;
    let raw: Buffer;
    try {
      raw = await deps.store.getBuffer(key);
    } catch (err) {
      if (err instanceof ObjectNotFoundError) continue;
      throw err;
    }
    const record = JSON.parse(raw.toString('utf8')) as DocumentText;
    return record.pages.map((p) => p.text).join('\n');
  }
  return undefined;
}

/**
 * Training rows of one task. A decision is a correction for the task only when the person changed that task's
 * value (a review corrected for its office alone is an acceptance of its class).
 */
export function decisionRows(
  decisions: readonly Decision[],
  task: RoutingTask,
  correctionWeight: number,
): TrainingRow[] {
  return decisions.map((d) => {
    const corrected = d.decided[task] !== d.suggested[task];
    return {
      text: d.text,
      label: d.decided[task],
      group: corrected ? 'corrected' : 'accepted',
      weight: corrected ? correctionWeight : 1,
    };
  });
}

/** Whether a decided document belongs to the held-out side (a fixed ~`share` of documents, by id). */
export function isHeldOutDocument(documentId: string, share: number): boolean {
  const h = createHash('sha256').update(`holdout:${documentId}`).digest();
  return h.readUInt32BE(0) / 2 ** 32 < share;
}

/** Splits decisions into the training side and the held-out side. */
export function splitDecisions(decisions: readonly Decision[], share: number): { kept: Decision[]; held: Decision[] } {
  const kept: Decision[] = [];
  const held: Decision[] = [];
  for (const d of decisions) (isHeldOutDocument(d.documentId, share) ? held : kept).push(d);
  return { kept, held };
}
