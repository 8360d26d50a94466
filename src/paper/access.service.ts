// Access requests (accesso agli atti): a user asks to consult a practice of a Comune, staff acting on that Comune
// approve (for a number of days) or reject it, the requester may withdraw it, approved access expires. A request for
// a practice still on paper puts it on the scan work list. Every step e-mails the requester.
import type { Logger } from '../core/logger.ts';
import type { Role } from '../auth/roles.ts';
import { parsePracticeKey } from '../classify/practice-keys.ts';
import type { Mailer } from '../notify/mailer.ts';
import { comuneName, comuneOf, type UnionSettings } from '../tenancy/comuni.ts';
import { actsOn, type TenantScope } from '../tenancy/tenant-scope.ts';
import { accessRequestMail, type AccessMailKind } from './notification-templates.ts';
import type { AccessRequest, AccessRequestState, PaperStore, RequesterRole } from './paper-store.ts';
import type { Services } from '../workers/job-context.ts';

export const ACCESS_REQUEST_LIST_MAX = 200;
const DAY_MS = 86_400_000;

/** Who acts: the request's user (AuthUser has these). */
export interface AccessActor {
  id: string;
  role: Role;
  displayName: string;
  scope: TenantScope;
}

/** The archive's practices (fascicoli), by key within a Comune (MetadataStore has it). */
export interface PracticeLookup {
  getPracticeByKey(key: string, comune?: string): Promise<{ comune?: string } | null>;
}

export interface AccessServiceDeps {
  paper: PaperStore;
  archive: PracticeLookup;
  mailer: Mailer;
  union: UnionSettings;
  /** Public address of the web app, for links in e-mails. */
  baseUrl: string;
  logger: Logger;
  now?: () => Date;
}

export class AccessRequestError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'AccessRequestError';
  }
}

export const REQUEST_NOT_FOUND = 'Richiesta non trovata';
export const PRACTICE_NOT_FOUND = 'Pratica non trovata';
export const ALREADY_DECIDED = 'La richiesta è già stata decisa';

const notFound = (message = REQUEST_NOT_FOUND) => new AccessRequestError(message, 404, 'NOT_FOUND');
const alreadyDecided = () => new AccessRequestError(ALREADY_DECIDED, 409, 'ALREADY_DECIDED');
const invalid = (message: string) => new AccessRequestError(message, 400, 'INVALID_REQUEST');

export interface NewAccessRequestInput {
  user: AccessActor;
  comune: string;
  /** As typed ("p.e. 123/87"); stored normalised ("PE 123/1987"). */
  practiceKey: string;
  requesterRole: RequesterRole;
  reason: string;
  /** Where the notifications go; none = no e-mails. */
  email?: string;
}

export interface AccessRequestQuery {
  state?: AccessRequestState;
  /** Only these Comuni (within what the user may see). */
  comuni?: readonly string[];
  /** Only the user's own requests (always so for professionals). */
  mine?: boolean;
  limit?: number;
  offset?: number;
}

export class AccessService {
  private readonly now: () => Date;

  constructor(private readonly deps: AccessServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Files a request; 404 "Pratica non trovata" when neither the paper inventory nor the archive knows the practice. */
  async request(input: NewAccessRequestInput): Promise<AccessRequest> {
    const { paper } = this.deps;
    const comune = comuneOf(this.deps.union, input.comune).code;
    const practiceKey = parsePracticeKey(input.practiceKey);
    if (!practiceKey) throw invalid(`Numero di pratica non valido: "${input.practiceKey}" (es. "PE 123/1987")`);
    const record = await paper.getInventoryByKey(comune, practiceKey);
    if (!record) {
      const practice = await this.deps.archive.getPracticeByKey(practiceKey, comune);
      if (!practice || (practice.comune !== undefined && practice.comune !== comune))
        throw notFound(PRACTICE_NOT_FOUND);
    }
    const at = this.now().toISOString();
    // One open request per user and practice: a second would only inflate the practice's scan priority.
    const open = await paper.listAccessRequests({
      requesterId: input.user.id,
      comuni: [comune],
      practiceKey,
      state: ['pending', 'approved'],
    });
    if (open.requests.some((r) => r.state === 'pending' || (r.expiresAt !== undefined && r.expiresAt > at))) {
      throw new AccessRequestError('Esiste già una sua richiesta aperta per questa pratica', 409, 'ALREADY_REQUESTED');
    }
    const created = await paper.createAccessRequest({
      comune,
      practiceKey,
      ...(record ? { inventoryId: record.id } : {}),
      requesterId: input.user.id,
      requesterName: input.user.displayName,
      ...(input.email ? { requesterEmail: input.email } : {}),
      requesterRole: input.requesterRole,
      reason: input.reason.trim(),
      awaitingScan: record !== null && record.state !== 'archived',
    });
    // A practice only on paper goes on the scan work list (digitalizzazione su richiesta).
    if (record?.state === 'paper') await paper.setInventoryState(comune, practiceKey, 'requested', { at });
    await this.notify('received', created);
    return created;
  }

  /** A request the user may see: their own, or any of a Comune they act on; else 404. */
  async get(user: AccessActor, id: string): Promise<AccessRequest> {
    const request = await this.deps.paper.getAccessRequest(id);
    if (!request || (request.requesterId !== user.id && !this.decides(user, request.comune))) throw notFound();
    return request;
  }

  /** Professionals see their own requests; staff those of the Comuni they act on (or their own with `mine`). */
  async list(user: AccessActor, q: AccessRequestQuery = {}): Promise<{ total: number; requests: AccessRequest[] }> {
    const limit = Math.min(q.limit ?? 50, ACCESS_REQUEST_LIST_MAX);
    const page = { limit, offset: q.offset ?? 0, ...(q.state ? { state: q.state } : {}) };
    if (user.role === 'professional' || q.mine) {
      return this.deps.paper.listAccessRequests({
        ...page,
        requesterId: user.id,
        ...(q.comuni ? { comuni: q.comuni } : {}),
      });
    }
    const { full } = user.scope;
    const comuni = full === '*' ? q.comuni : (q.comuni ?? full).filter((c) => full.includes(c));
    if (comuni && comuni.length === 0) return { total: 0, requests: [] };
    return this.deps.paper.listAccessRequests({ ...page, ...(comuni ? { comuni } : {}) });
  }

  /** Approves a pending request for `days` (default: the union's accessDays); 409 when no longer pending. */
  async approve(id: string, by: AccessActor, opts: { note?: string; days?: number } = {}): Promise<AccessRequest> {
    const days = opts.days ?? this.deps.union.accessDays;
    if (!Number.isInteger(days) || days < 1 || days > 3650) throw invalid('Durata non valida: da 1 a 3650 giorni');
    const now = this.now();
    const note = opts.note?.trim();
    return this.decide(id, by, {
      state: 'approved',
      expiresAt: new Date(now.getTime() + days * DAY_MS).toISOString(),
      ...(note ? { decisionNote: note } : {}),
    });
  }

  /** Rejects a pending request; the note (the reason, for the requester) is required. */
  async reject(id: string, by: AccessActor, note: string): Promise<AccessRequest> {
    if (!note?.trim()) throw invalid('Indicare il motivo del rifiuto');
    return this.decide(id, by, { state: 'rejected', decisionNote: note.trim() });
  }

  /** The requester takes back a pending request. */
  async withdraw(id: string, user: AccessActor): Promise<AccessRequest> {
    const request = await this.deps.paper.getAccessRequest(id);
    if (!request) throw notFound();
    if (request.requesterId !== user.id) {
      if (!this.decides(user, request.comune)) throw notFound();
      throw new AccessRequestError('Solo chi ha presentato la richiesta può ritirarla', 403, 'FORBIDDEN');
    }
    if (request.state !== 'pending') throw alreadyDecided();
    const updated = await this.deps.paper.updateAccessRequest(id, ['pending'], {
      state: 'withdrawn',
      decidedBy: user.id,
      decidedAt: this.now().toISOString(),
    });
    if (!updated) throw alreadyDecided();
    await this.notify('withdrawn', updated);
    return updated;
  }

  /** Approved requests past their expiry become 'expired' (their requesters are told); returns them. */
  async expire(now: Date = this.now()): Promise<AccessRequest[]> {
    const expired = await this.deps.paper.expireAccessRequests(now.toISOString());
    for (const request of expired) await this.notify('expired', request);
    if (expired.length) this.deps.logger.info({ count: expired.length }, 'access requests expired');
    return expired;
  }

  /** Staff (not professionals) acting on the Comune decide its requests. */
  private decides(user: AccessActor, comune: string): boolean {
    return user.role !== 'professional' && actsOn(user.scope, comune);
  }

  private async decide(
    id: string,
    by: AccessActor,
    patch: Pick<AccessRequest, 'state'> & Partial<Pick<AccessRequest, 'expiresAt' | 'decisionNote'>>,
  ): Promise<AccessRequest> {
    const request = await this.deps.paper.getAccessRequest(id);
    // A request of a Comune the user does not act on does not exist for them (no existence leak).
    if (!request || !this.decides(by, request.comune)) throw notFound();
    if (request.state !== 'pending') throw alreadyDecided();
    // Conditional on 'pending' in the store: of two concurrent decisions exactly one applies.
    const updated = await this.deps.paper.updateAccessRequest(id, ['pending'], {
      ...patch,
      decidedBy: by.id,
      decidedAt: this.now().toISOString(),
    });
    if (!updated) throw alreadyDecided();
    await this.notify(patch.state === 'approved' ? 'approved' : 'rejected', updated);
    return updated;
  }

  /** E-mails the requester; a failed e-mail is logged and never undoes the decision. */
  private async notify(kind: AccessMailKind, request: AccessRequest): Promise<void> {
    const mail = accessRequestMail(kind, request, {
      unionName: this.deps.union.name,
      comuneName: comuneName(this.deps.union, request.comune),
      baseUrl: this.deps.baseUrl,
    });
    if (!mail) return;
    try {
      await this.deps.mailer.send(mail);
    } catch (err) {
      this.deps.logger.warn({ err, requestId: request.id, kind }, 'access request e-mail not sent');
    }
  }
}

/** The service over the process's stores, mailer and config (API routes, the scheduled expiry). */
export function accessServiceFor(s: Pick<Services, 'paper' | 'db' | 'mailer' | 'config' | 'logger'>): AccessService {
  return new AccessService({
    paper: s.paper,
    archive: s.db,
    mailer: s.mailer,
    union: s.config.union,
    baseUrl: s.config.notify.baseUrl,
    logger: s.logger.child({ component: 'access-requests' }),
  });
}
