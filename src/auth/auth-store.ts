// The port for users, API tokens and the audit log: one interface, an SQLite and a PostgreSQL adapter that live in
// the same database as the metadata store but keep their own tables and migration bookkeeping (auth_migrations).
import type { Role } from './roles.ts';

export interface User {
  id: string;
  /** Unique regardless of case; also the actor name written in review and practice events. */
  username: string;
  displayName: string;
  role: Role;
  /** Null for users who only log in through OIDC (SPID/CIE). */
  passwordHash: string | null;
  oidcSubject: string | null;
  disabled: boolean;
  /** Home Comune (code); null = union level (acts on every Comune). Always null for professionals. */
  comune: string | null;
  /** Further Comuni a Comune's staff member acts on (besides the home Comune). Always empty for professionals. */
  grantedComuni: string[];
  createdAt: string;
  updatedAt: string;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  passwordHash?: string | null;
  oidcSubject?: string | null;
  disabled?: boolean;
  /** Default null (union level). */
  comune?: string | null;
  grantedComuni?: readonly string[];
}

export interface UserPatch {
  displayName?: string;
  role?: Role;
  passwordHash?: string | null;
  disabled?: boolean;
  comune?: string | null;
  grantedComuni?: readonly string[];
}

export interface ApiToken {
  id: string;
  userId: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  /** User id, or 'anonymous'. */
  actor: string;
  /** The actor's username when known (kept for the record even if the user is renamed or removed later). */
  actorName: string | null;
  role: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown> | null;
  ip: string | null;
  /** The Comune the action concerned (else the actor's home Comune); null = union level (anonymous, union staff). */
  comune: string | null;
}

type OptionalAuditField = 'at' | 'actorName' | 'role' | 'targetType' | 'targetId' | 'detail' | 'ip' | 'comune';
export type NewAuditEntry = Omit<AuditEntry, 'id' | OptionalAuditField> & Partial<Pick<AuditEntry, OptionalAuditField>>;

export interface AuditFilter {
  /** A user id or a username. */
  actor?: string;
  action?: string;
  targetId?: string;
  /** Only entries of these Comuni (entries with a null comune, union level, never match; [] matches nothing). */
  comuni?: readonly string[];
  /** ISO timestamps, inclusive. */
  since?: string;
  until?: string;
  limit?: number;
  offset?: number;
}

export class UsernameTakenError extends Error {
  readonly statusCode = 409;
  readonly code = 'USERNAME_TAKEN';
  constructor(username: string) {
    super(`Il nome utente "${username}" è già in uso`);
    this.name = 'UsernameTakenError';
  }
}

export class OidcSubjectTakenError extends Error {
  readonly statusCode = 409;
  readonly code = 'OIDC_SUBJECT_TAKEN';
  constructor() {
    super("L'identità SPID/CIE è già collegata a un altro utente");
    this.name = 'OidcSubjectTakenError';
  }
}

export interface AuthStore {
  createUser(input: NewUser): Promise<User>;
  getUser(id: string): Promise<User | null>;
  /** Case-insensitive. */
  getUserByUsername(username: string): Promise<User | null>;
  getUserByOidcSubject(subject: string): Promise<User | null>;
  /** Ordered by username. */
  listUsers(): Promise<User[]>;
  countUsers(): Promise<number>;
  /** The updated user, or null when there is none with that id. */
  updateUser(id: string, patch: UserPatch): Promise<User | null>;
  /** Links (or with null unlinks) an OIDC subject; throws OidcSubjectTakenError when another user has it. */
  setOidcSubject(id: string, subject: string | null): Promise<User | null>;

  /** Stores a token by the SHA-256 of its secret (the secret itself is never stored). */
  createToken(input: { tokenHash: string; userId: string; label: string }): Promise<ApiToken>;
  /** The token and its user for a hash, null when unknown or revoked; records the use. */
  resolveToken(tokenHash: string): Promise<{ token: ApiToken; user: User } | null>;
  listTokens(userId: string): Promise<ApiToken[]>;
  /** Whether a live token was revoked. */
  revokeToken(id: string): Promise<boolean>;

  appendAudit(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Newest first, with the total of entries matching the filter. */
  listAudit(filter?: AuditFilter): Promise<{ entries: AuditEntry[]; total: number }>;

  close(): Promise<void>;
}

export const AUDIT_LIST_MAX = 500;

/**
 * The tenancy fields a user is stored with: professionals act on no Comune (null, no grants), union-level users need
 * no grants, and grants are distinct codes without the home Comune.
 */
export function normaliseTenancy(
  role: Role,
  comune: string | null,
  grantedComuni: readonly string[],
): { comune: string | null; grantedComuni: string[] } {
  if (role === 'professional' || comune === null) return { comune: null, grantedComuni: [] };
  return { comune, grantedComuni: [...new Set(grantedComuni)].filter((c) => c !== comune).sort() };
}

/** Lower-cased key used for the case-insensitive uniqueness of usernames (same in both adapters). */
export const foldUsername = (username: string): string => username.normalize('NFC').toLowerCase();
