// A person's routing decision written into the document's classification JSON (what the archive manifest, the search
// index and the API read), so that the class and office in force are the reviewer's, also after a re-classification.
import type { RoutingReview } from '../db/metadata-store.ts';
import type { ReferenceData } from './reference-data.ts';

export interface ReviewedMark {
  state: 'accepted' | 'corrected';
  reviewer: string;
  at: string; // ISO
}

/**
 * The classification JSON with the review's current assignment and `routing.reviewed`; unchanged when nobody has
 * decided yet (state 'pending' or 'auto'). Other keys of the classification are kept as they are.
 */
export function withReviewedRouting(
  classification: unknown,
  review: RoutingReview,
  ref: Pick<ReferenceData, 'lookupClass' | 'lookupOffice'>,
): Record<string, unknown> {
  const base = isRecord(classification) ? classification : {};
  if (review.state !== 'accepted' && review.state !== 'corrected') return base;
  const { titolarioClass, office } = review.current;
  const routing = isRecord(base.routing)
    ? base.routing
    : // A classification without routing (older documents): the review holds what the system suggested.
      {
        mode: 'review',
        confidence: review.confidence,
        threshold: review.threshold,
        decidedBy: review.decidedBy,
        reasons: review.reasons,
      };
  const reviewed: ReviewedMark = {
    state: review.state,
    reviewer: review.reviewer ?? 'unknown',
    at: review.reviewedAt ?? review.updatedAt,
  };
  return {
    ...base,
    titolarioClass,
    titolarioLabel: ref.lookupClass(titolarioClass)?.label,
    office,
    officeName: ref.lookupOffice(office)?.name,
    routing: { ...routing, reviewed },
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
