// Row ↔ record mapping shared by the SQLite and PostgreSQL auth store adapters (snake_case columns).
import type { ApiToken, AuditEntry, AuditFilter, User, UserPatch } from './auth-store.ts';
import { AUDIT_LIST_MAX, normaliseTenancy } from './auth-store.ts';
import type { Role } from './roles.ts';

export type Row = Record<string, unknown>;

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));
const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v));
/** SQLite keeps the grants as JSON text, PostgreSQL as text[]. */
const codes = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? (JSON.parse(v) as unknown[]).map(String) : [];

export function userFromRow(r: Row): User {
  return {
    id: String(r.id),
    username: String(r.username),
    displayName: String(r.display_name),
    role: String(r.role) as Role,
    passwordHash: str(r.password_hash),
    oidcSubject: str(r.oidc_subject),
    disabled: r.disabled === true || r.disabled === 1,
    comune: str(r.comune),
    grantedComuni: codes(r.granted_comuni),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function tokenFromRow(r: Row): ApiToken {
  return {
    id: String(r.id),
    userId: String(r.user_id),
    label: String(r.label),
    createdAt: iso(r.created_at),
    lastUsedAt: isoOrNull(r.last_used_at),
    revokedAt: isoOrNull(r.revoked_at),
  };
}

export function auditFromRow(r: Row): AuditEntry {
  const detail =
    r.detail === null || r.detail === undefined ? null : typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail;
  return {
    id: Number(r.id),
    at: iso(r.at),
    actor: String(r.actor),
    actorName: str(r.actor_name),
    role: str(r.role),
    action: String(r.action),
    targetType: str(r.target_type),
    targetId: str(r.target_id),
    detail: detail as Record<string, unknown> | null,
    ip: str(r.ip),
    comune: str(r.comune),
  };
}

/**
 * The tenancy columns to write for a patch of `current` (null when the patch touches none of role, comune and grants):
 * a role change to professional clears them, as does a move to union level.
 */
export function patchedTenancy(
  current: User,
  patch: UserPatch,
): { comune: string | null; grantedComuni: string[] } | null {
  if (patch.role === undefined && patch.comune === undefined && patch.grantedComuni === undefined) return null;
  return normaliseTenancy(
    patch.role ?? current.role,
    patch.comune === undefined ? current.comune : patch.comune,
    patch.grantedComuni ?? current.grantedComuni,
  );
}

/**
 * WHERE clause and parameters of an audit filter; `param(i)` renders the i-th (1-based) placeholder
 * ('?' for SQLite, '$i' for PostgreSQL).
 */
export function auditWhere(filter: AuditFilter, param: (i: number) => string): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(param(params.length)));
  };
  if (filter.actor) {
    params.push(filter.actor, filter.actor);
    clauses.push(`(actor = ${param(params.length - 1)} OR actor_name = ${param(params.length)})`);
  }
  if (filter.action) add((p) => `action = ${p}`, filter.action);
  if (filter.targetId) add((p) => `target_id = ${p}`, filter.targetId);
  if (filter.comuni) {
    const list = [...new Set(filter.comuni)];
    const placeholders = list.map((code) => (params.push(code), param(params.length)));
    clauses.push(list.length ? `comune IN (${placeholders.join(', ')})` : '1 = 0');
  }
  if (filter.since) add((p) => `at >= ${p}`, new Date(filter.since).toISOString());
  if (filter.until) add((p) => `at <= ${p}`, new Date(filter.until).toISOString());
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

export function auditPage(filter: AuditFilter): { limit: number; offset: number } {
  return {
    limit: Math.min(Math.max(1, filter.limit ?? 50), AUDIT_LIST_MAX),
    offset: Math.max(0, filter.offset ?? 0),
  };
}
