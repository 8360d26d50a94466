// The authenticated user of a request (`req.user`), set by the auth plugin from the session cookie or an API token.
import type { FastifyRequest } from 'fastify';
import { scopeOf, type TenantScope } from '../tenancy/tenant-scope.ts';
import type { User } from './auth-store.ts';
import type { Role } from './roles.ts';

export type AuthMethod = 'session' | 'token' | 'oidc';

export interface AuthUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  authMethod: AuthMethod;
  /** Home Comune; null = union level. */
  comune: string | null;
  grantedComuni: string[];
  /** What the user acts on, from the user row as it is at this request (a changed grant applies at once). */
  scope: TenantScope;
}

/**
 * What a route adds to its audit entry (the policy names the action): a target created by the request, details, and
 * the Comune the action concerned (else the entry gets the actor's home Comune).
 */
export interface AuditNote {
  targetId?: string;
  detail?: Record<string, unknown>;
  comune?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthUser | null;
    /** Set by a handler to complete the audit entry its access policy writes. */
    auditNote: AuditNote | null;
  }
}

export class AuthError extends Error {
  constructor(
    message: string,
    readonly statusCode: 401 | 403,
    readonly code: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

export const UNAUTHENTICATED_MESSAGE = 'Accesso richiesto';
export const FORBIDDEN_MESSAGE = 'Accesso non consentito';
export const CSRF_MESSAGE = 'Token CSRF mancante o non valido';

/** The request's user, or a 401 error (a route registered without the auth plugin has none). */
export function requireUser(req: FastifyRequest): AuthUser {
  if (!req.user) throw new AuthError(UNAUTHENTICATED_MESSAGE, 401, 'UNAUTHENTICATED');
  return req.user;
}

export function toAuthUser(user: User, authMethod: AuthMethod): AuthUser {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    authMethod,
    comune: user.comune,
    grantedComuni: [...user.grantedComuni],
    scope: scopeOf(user),
  };
}

/** The user as the API shows it (never the password hash). */
export function publicUser(user: User) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    disabled: user.disabled,
    oidcLinked: user.oidcSubject !== null,
    comune: user.comune,
    grantedComuni: user.grantedComuni,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}
