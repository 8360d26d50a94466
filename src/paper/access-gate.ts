// The access gate (accesso agli atti): in a Comune that requires it, a professional sees a practice's documents
// (detail, text, PDF) only under an approved, unexpired access request for that practice. Staff are never gated;
// the tenant scope (restricted records) is checked before this, by the stores.
import type { UnionSettings } from '../tenancy/comuni.ts';
import { actsOn, type TenantScope } from '../tenancy/tenant-scope.ts';
import type { PaperStore } from './paper-store.ts';

export const ACCESS_REQUEST_REQUIRED = 'ACCESS_REQUEST_REQUIRED';
export const ACCESS_REQUEST_REQUIRED_MESSAGE = 'Serve una richiesta di accesso approvata per questa pratica';

export type GateDecision = { allowed: true } | { allowed: false; reason: string; code: typeof ACCESS_REQUEST_REQUIRED };

/** 403 with code ACCESS_REQUEST_REQUIRED, as the API answers it. */
export class AccessRequestRequiredError extends Error {
  readonly statusCode = 403;
  readonly code = ACCESS_REQUEST_REQUIRED;
  constructor(message = ACCESS_REQUEST_REQUIRED_MESSAGE) {
    super(message);
    this.name = 'AccessRequestRequiredError';
  }
}

const ALLOWED: GateDecision = { allowed: true };

export async function canViewPracticeDocuments(
  user: { id: string; role: string; scope: TenantScope },
  doc: { comune: string; practiceKey?: string | null },
  union: UnionSettings,
  paper: Pick<PaperStore, 'hasApprovedAccess'>,
  now: Date | string = new Date(),
): Promise<GateDecision> {
  if (user.role !== 'professional' || actsOn(user.scope, doc.comune)) return ALLOWED;
  const comune = union.comuni.find((c) => c.code === doc.comune);
  if (!comune?.requireAccessRequest) return ALLOWED;
  // A document tied to no practice cannot be covered by a request: in such a Comune it stays closed to professionals.
  if (!doc.practiceKey) {
    return { allowed: false, reason: ACCESS_REQUEST_REQUIRED_MESSAGE, code: ACCESS_REQUEST_REQUIRED };
  }
  const at = typeof now === 'string' ? now : now.toISOString();
  return (await paper.hasApprovedAccess(user.id, doc.comune, doc.practiceKey, at))
    ? ALLOWED
    : { allowed: false, reason: ACCESS_REQUEST_REQUIRED_MESSAGE, code: ACCESS_REQUEST_REQUIRED };
}

/** canViewPracticeDocuments, throwing AccessRequestRequiredError (403) when not allowed: for the documents routes. */
export async function assertCanViewPracticeDocuments(
  ...args: Parameters<typeof canViewPracticeDocuments>
): Promise<void> {
  const decision = await canViewPracticeDocuments(...args);
  if (!decision.allowed) throw new AccessRequestRequiredError(decision.reason);
}
