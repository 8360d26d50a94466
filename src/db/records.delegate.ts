// The records-management methods of a MetadataStore (protocol register, routing review queue, practices) and its page
// versions (rescans), forwarded to the adapter's RecordsStore (sqlite.records.ts, postgres.records.ts) and
// PageVersionStore (sqlite.page-versions.ts, postgres.page-versions.ts): both metadata stores extend this class.
import type {
  Practice,
  PracticeMember,
  PracticeWithCount,
  ProtocolEntry,
  RoutingReview,
  RoutingReviewFilter,
} from './metadata-store.ts';
import type {
  DecisionInput,
  MemberInput,
  PracticeInput,
  PracticeKeys,
  PracticeListOptions,
  PracticeMatch,
  PracticePatch,
  ProtocolInput,
  RecordsStore,
  ReviewCountFilter,
  SuggestionInput,
} from './records.rows.ts';
import type {
  NewPageVersion,
  PageVersion,
  PageVersionFilter,
  PageVersionPatch,
  PageVersionStore,
} from './page-versions.ts';

export abstract class RecordsDelegate implements RecordsStore, PageVersionStore {
  protected abstract readonly records: RecordsStore;
  protected abstract readonly versions: PageVersionStore;

  registerProtocol(entry: ProtocolInput): Promise<{ created: boolean; entry: ProtocolEntry }> {
    return this.records.registerProtocol(entry);
  }
  getProtocol(documentId: string): Promise<ProtocolEntry | null> {
    return this.records.getProtocol(documentId);
  }
  putRoutingSuggestion(input: SuggestionInput): Promise<RoutingReview> {
    return this.records.putRoutingSuggestion(input);
  }
  getRoutingReview(documentId: string): Promise<RoutingReview | null> {
    return this.records.getRoutingReview(documentId);
  }
  listRoutingReviews(filter?: RoutingReviewFilter): Promise<RoutingReview[]> {
    return this.records.listRoutingReviews(filter);
  }
  countRoutingReviews(filter?: ReviewCountFilter): Promise<number> {
    return this.records.countRoutingReviews(filter);
  }
  decideRoutingReview(input: DecisionInput): Promise<RoutingReview | null> {
    return this.records.decideRoutingReview(input);
  }
  createPractice(input: PracticeInput): Promise<{ created: boolean; practice: Practice }> {
    return this.records.createPractice(input);
  }
  getPractice(id: string): Promise<Practice | null> {
    return this.records.getPractice(id);
  }
  getPracticeByKey(key: string, comune?: string): Promise<Practice | null> {
    return this.records.getPracticeByKey(key, comune);
  }
  updatePractice(id: string, patch: PracticePatch): Promise<void> {
    return this.records.updatePractice(id, patch);
  }
  deletePracticeIfEmpty(id: string): Promise<boolean> {
    return this.records.deletePracticeIfEmpty(id);
  }
  listPractices(opts?: PracticeListOptions): Promise<PracticeWithCount[]> {
    return this.records.listPractices(opts);
  }
  linkDocument(member: MemberInput): Promise<void> {
    return this.records.linkDocument(member);
  }
  unlinkDocument(documentId: string): Promise<void> {
    return this.records.unlinkDocument(documentId);
  }
  practiceMember(documentId: string): Promise<PracticeMember | null> {
    return this.records.practiceMember(documentId);
  }
  listPracticeMembers(practiceId: string): Promise<PracticeMember[]> {
    return this.records.listPracticeMembers(practiceId);
  }
  findPracticesByKeys(keys: PracticeKeys, comune?: string): Promise<PracticeMatch[]> {
    return this.records.findPracticesByKeys(keys, comune);
  }
  mergePractices(intoId: string, fromIds: string[], by: { actor: string; reason: string }): Promise<number> {
    return this.records.mergePractices(intoId, fromIds, by);
  }

  // Page versions (rescans).
  addPageVersion(input: NewPageVersion): Promise<PageVersion> {
    return this.versions.addPageVersion(input);
  }
  getPageVersion(documentId: string, page: number, version: number): Promise<PageVersion | null> {
    return this.versions.getPageVersion(documentId, page, version);
  }
  listPageVersions(filter: PageVersionFilter): Promise<PageVersion[]> {
    return this.versions.listPageVersions(filter);
  }
  updatePageVersion(documentId: string, page: number, version: number, patch: PageVersionPatch): Promise<void> {
    return this.versions.updatePageVersion(documentId, page, version, patch);
  }
}
