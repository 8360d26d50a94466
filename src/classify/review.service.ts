// The records manager's review of routing suggestions: the classify step records what it suggests (automatic above
// the threshold, pending below it); a person lists the queue, accepts or corrects, and every decision is audited.
// Protocol-register rules hold throughout: a decision changes classification and assignment, never the protocol.
// A correction keeps the document within its Comune: only an office serving that Comune may be chosen.
import type { Logger } from '../core/logger.ts';
import type {
  DocumentStatus,
  EventRecord,
  MetadataStore,
  ProtocolEntry,
  RoutingAssignment,
  RoutingReview,
  RoutingReviewState,
} from '../db/metadata-store.ts';
import type { DocumentMetadata } from './document-metadata.ts';
import { rejectProtocolChange } from './protocol-register.ts';
import { servesComune, type ReferenceData } from './reference-data.ts';
import { ReviewConflictError, ReviewNotFoundError, ReviewValidationError } from './review.errors.ts';
import { withReviewedRouting } from './reviewed-classification.ts';

/** A user id as the API accepts it (header, reviewer, assignee): short, no spaces or markup. */
export const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const BULK_ACCEPT_MAX = 500;
const NOTE_MAX = 2000;

const STATE_LABEL: Record<RoutingReviewState, string> = {
  pending: 'in attesa di revisione',
  auto: 'smistata automaticamente',
  accepted: 'già accettata',
  corrected: 'già corretta',
};

type Reference = Pick<ReferenceData, 'lookupClass' | 'lookupOffice'>;

/**
 * Records the classify step's suggestion for a document: 'auto' when routing passed the threshold, 'pending' otherwise
 * (and when there was no routing at all, with confidence 0). A review a person already decided keeps its decision
 * (the store only refreshes the suggestion). Returns the stored review, or null when the metadata names no class or
 * office to suggest.
 */
export async function recordSuggestion(
  db: MetadataStore,
  documentId: string,
  metadata: DocumentMetadata,
  ref: Pick<ReferenceData, 'lookupOffice'>,
): Promise<RoutingReview | null> {
  const { titolarioClass, office, routing } = metadata;
  if (!titolarioClass || !office) return null;
  const assignee = defaultAssignee(ref, office);
  return db.putRoutingSuggestion({
    documentId,
    state: routing?.mode === 'auto' ? 'auto' : 'pending',
    suggested: { titolarioClass, office, ...(assignee ? { assignee } : {}) },
    confidence: routing?.confidence ?? 0,
    threshold: routing?.threshold ?? 1,
    decidedBy: routing?.decidedBy ?? metadata.classifier,
    reasons: routing?.reasons ?? metadata.reasons,
  });
}

/** An office may name its default assignee (`responsabile`); offices.json has none today, so read it defensively. */
function defaultAssignee(ref: Pick<ReferenceData, 'lookupOffice'>, officeId: string): string | undefined {
  const office = ref.lookupOffice(officeId) as { responsabile?: unknown } | undefined;
  const r = office?.responsabile;
  return typeof r === 'string' && USER_ID.test(r.trim()) ? r.trim() : undefined;
}

export interface ReviewListFilter {
  state?: RoutingReviewState | RoutingReviewState[];
  office?: string;
  titolarioClass?: string;
  since?: string;
  /** Only documents of these Comuni (tenancy); absent = every Comune. */
  comuni?: readonly string[];
  limit?: number;
  offset?: number;
}

export interface ReviewListItem extends RoutingReview {
  title?: string;
  filename?: string;
  status?: DocumentStatus;
}

export interface ReviewDetail {
  review: RoutingReview;
  protocol: ProtocolEntry | null;
  document: { id: string; title?: string; filename: string; status: DocumentStatus };
}

/** What a correction may change; null clears the assignee or the practice. */
export interface RoutingChange {
  titolarioClass?: string;
  office?: string;
  assignee?: string | null;
  practiceId?: string | null;
}

export interface DecisionResult {
  review: RoutingReview;
  /** Allowed but worth a second look, e.g. an office that does not handle the class. */
  warnings: string[];
}

export type BulkOutcome = 'accepted' | 'not-pending' | 'not-found';

export class ReviewService {
  private readonly db: MetadataStore;
  private readonly reference: () => Reference;
  private readonly logger?: Logger;
  private readonly comuneName: (code: string) => string;

  constructor(deps: {
    db: MetadataStore;
    reference: Reference | (() => Reference);
    logger?: Logger;
    /** The Comune's name for messages ("Lugo"); the code when absent. */
    comuneName?: (code: string) => string;
  }) {
    this.db = deps.db;
    const ref = deps.reference;
    this.reference = typeof ref === 'function' ? ref : () => ref;
    this.logger = deps.logger?.child({ component: 'routing-review' });
    this.comuneName = deps.comuneName ?? ((code) => code);
  }

  /** The queue, least confident first; each item with its document's title and file name. */
  async list(filter: ReviewListFilter = {}): Promise<{ items: ReviewListItem[]; total: number }> {
    const f = { ...filter };
    if (f.titolarioClass) f.titolarioClass = this.reference().lookupClass(f.titolarioClass)?.code ?? f.titolarioClass;
    const { limit, offset, ...countFilter } = f;
    const [reviews, total] = await Promise.all([
      this.db.listRoutingReviews({ ...countFilter, limit, offset }),
      this.db.countRoutingReviews(countFilter),
    ]);
    const items = await Promise.all(
      reviews.map(async (r) => {
        const doc = await this.db.getDocument(r.documentId);
        return { ...r, title: doc?.title, filename: doc?.filename, status: doc?.status };
      }),
    );
    return { items, total };
  }

  async get(documentId: string): Promise<ReviewDetail> {
    const doc = await this.db.getDocument(documentId);
    if (!doc) throw new ReviewNotFoundError('Documento non trovato');
    const review = await this.db.getRoutingReview(documentId);
    if (!review) throw new ReviewNotFoundError('Nessuna proposta di smistamento per questo documento');
    return {
      review,
      protocol: await this.db.getProtocol(documentId),
      document: { id: doc.id, title: doc.title, filename: doc.filename, status: doc.status },
    };
  }

  /** The audit trail of the document's routing and protocol register, oldest first. */
  async history(documentId: string): Promise<EventRecord[]> {
    if (!(await this.db.getDocument(documentId))) throw new ReviewNotFoundError('Documento non trovato');
    const events = await this.db.listEvents({ documentId });
    return events.filter((e) => e.type.startsWith('routing.') || e.type.startsWith('protocol.'));
  }

  /** Confirms the suggestion in force; only a review nobody decided yet ('pending' or 'auto') can be accepted. */
  async accept(documentId: string, reviewer: string, note?: string): Promise<DecisionResult> {
    checkReviewer(reviewer);
    const why = checkNote(note, false);
    const review = await this.load(documentId);
    if (review.state !== 'pending' && review.state !== 'auto') {
      throw new ReviewConflictError(`La proposta di smistamento è ${STATE_LABEL[review.state]}: non si può accettare`);
    }
    return this.decide(review, 'accepted', review.current, reviewer, why, ['pending', 'auto'], []);
  }

  /**
   * A person's routing: class, office, assignee, practice. The reason (`note`) is required. Also allowed on a review
   * already decided, since assignments change later; the protocol number and date can never be part of it.
   */
  async correct(
    documentId: string,
    change: RoutingChange,
    reviewer: string,
    note: string | undefined,
  ): Promise<DecisionResult> {
    rejectProtocolChange(change);
    checkReviewer(reviewer);
    const why = checkNote(note, true)!;
    const review = await this.load(documentId);
    const comune = (await this.db.getDocument(documentId))?.comune;
    const { next, warnings } = this.applyChange(review.current, change, comune);
    return this.decide(
      review,
      'corrected',
      next,
      reviewer,
      why,
      ['pending', 'auto', 'accepted', 'corrected'],
      warnings,
    );
  }

  /** Accepts each document still waiting; the others are reported, not failed. */
  async bulkAccept(
    documentIds: string[],
    reviewer: string,
    note?: string,
  ): Promise<Array<{ documentId: string; result: BulkOutcome }>> {
    checkReviewer(reviewer);
    checkNote(note, false);
    const ids = [...new Set(documentIds)];
    if (ids.length > BULK_ACCEPT_MAX)
      throw new ReviewValidationError(`Al massimo ${BULK_ACCEPT_MAX} documenti per volta`);
    const results: Array<{ documentId: string; result: BulkOutcome }> = [];
    for (const documentId of ids) {
      try {
        await this.accept(documentId, reviewer, note);
        results.push({ documentId, result: 'accepted' });
      } catch (err) {
        if (err instanceof ReviewNotFoundError) results.push({ documentId, result: 'not-found' });
        else if (err instanceof ReviewConflictError) results.push({ documentId, result: 'not-pending' });
        else throw err;
      }
    }
    return results;
  }

  private async load(documentId: string): Promise<RoutingReview> {
    const review = await this.db.getRoutingReview(documentId);
    if (!review) throw new ReviewNotFoundError();
    return review;
  }

  private applyChange(
    current: RoutingAssignment,
    change: RoutingChange,
    comune: string | undefined,
  ): { next: RoutingAssignment; warnings: string[] } {
    const ref = this.reference();
    const given = (['titolarioClass', 'office', 'assignee', 'practiceId'] as const).filter(
      (k) => change[k] !== undefined,
    );
    if (given.length === 0)
      throw new ReviewValidationError('Indicare almeno uno tra classe, ufficio, assegnatario e pratica');
    const next: RoutingAssignment = { ...current };
    if (change.titolarioClass !== undefined) {
      const entry = ref.lookupClass(change.titolarioClass);
      if (!entry) throw new ReviewValidationError(`Classe del titolario sconosciuta: "${change.titolarioClass}"`);
      next.titolarioClass = entry.code;
    }
    if (change.office !== undefined) {
      const office = ref.lookupOffice(change.office);
      if (!office) throw new ReviewValidationError(`Ufficio sconosciuto: "${change.office}"`);
      if (comune !== undefined && !servesComune(office, comune))
        throw new ReviewValidationError(
          `L'ufficio "${office.name}" non opera per il Comune di ${this.comuneName(comune)}, a cui appartiene il documento`,
        );
      next.office = change.office;
    }
    if (change.assignee === null) delete next.assignee;
    else if (change.assignee !== undefined) {
      if (!USER_ID.test(change.assignee))
        throw new ReviewValidationError(`Assegnatario non valido: "${change.assignee}"`);
      next.assignee = change.assignee;
    }
    if (change.practiceId === null) delete next.practiceId;
    else if (change.practiceId !== undefined) {
      const practice = change.practiceId.trim();
      if (!practice || practice.length > 100) throw new ReviewValidationError('Pratica non valida');
      next.practiceId = practice;
    }
    const warnings: string[] = [];
    const office = ref.lookupOffice(next.office);
    if (office && !office.classes.includes(next.titolarioClass)) {
      warnings.push(`L'ufficio "${office.name}" non tratta la classe ${next.titolarioClass} secondo l'organigramma`);
    }
    return { next, warnings };
  }

  /** Records the decision (atomically, conditional on the state), then the classification JSON, then the audit. */
  private async decide(
    before: RoutingReview,
    state: 'accepted' | 'corrected',
    current: RoutingAssignment,
    reviewer: string,
    note: string | undefined,
    expectState: RoutingReviewState[],
    warnings: string[],
  ): Promise<DecisionResult> {
    const { documentId } = before;
    const review = await this.db.decideRoutingReview({
      documentId,
      state,
      current,
      reviewer,
      note,
      at: new Date().toISOString(),
      expectState,
    });
    if (!review) throw new ReviewConflictError('Un altro revisore ha già deciso questa proposta: ricaricare la coda');
    const doc = await this.db.getDocument(documentId);
    if (doc)
      await this.db.updateDocument(documentId, {
        classification: withReviewedRouting(doc.classification, review, this.reference()),
      });
    await this.db.addEvent({
      type: `routing.${state}`,
      documentId,
      batchId: doc?.batchId,
      actor: reviewer,
      detail: {
        from: before.current,
        to: review.current,
        note,
        previousState: before.state,
        confidence: before.confidence,
        decidedBy: before.decidedBy,
        ...(warnings.length ? { warnings } : {}),
      },
    });
    this.logger?.info({ documentId, state, reviewer, from: before.current, to: review.current }, 'routing decided');
    return { review, warnings };
  }
}

function checkReviewer(reviewer: string): void {
  if (!USER_ID.test(reviewer)) throw new ReviewValidationError('Utente revisore non valido');
}

function checkNote(note: string | undefined, required: boolean): string | undefined {
  const why = note?.trim() || undefined;
  if (required && !why) throw new ReviewValidationError('Per una correzione è obbligatorio indicare il motivo (note)');
  if (why && why.length > NOTE_MAX) throw new ReviewValidationError(`Il motivo supera ${NOTE_MAX} caratteri`);
  return why;
}
