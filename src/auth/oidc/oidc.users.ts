// From a provider identity to a Faldone user: by the linked subject, or by e-mail / codice fiscale as username
// (linking the subject at the first login), optionally creating the user with a role from its claims.
import { createHash } from 'node:crypto';
import type { OidcConfig, OidcRole } from './oidc.config.ts';
import type { OidcClaims } from './oidc.client.ts';

type MaybePromise<T> = T | Promise<T>;

/** What this module needs of a user record; the auth store's user type is meant to satisfy it. */
export interface OidcStoredUser {
  id: string;
  username: string;
  role: string;
  disabled?: boolean;
  oidcSubject?: string | null;
  /** Home Comune (null = union level). */
  comune?: string | null;
}

/**
 * What this module needs of the user store, named as in src/auth/auth-store.ts so that an AuthStore satisfies it as
 * is (sync or async methods both work).
 */
export interface OidcUserStore<U extends OidcStoredUser = OidcStoredUser> {
  getUserByOidcSubject(subject: string): MaybePromise<U | null | undefined>;
  /** Case-insensitive in the AuthStore; this module also tries the lower-cased key. */
  getUserByUsername(username: string): MaybePromise<U | null | undefined>;
  /** May throw when another user holds the subject (a concurrent first login). */
  setOidcSubject(userId: string, subject: string): MaybePromise<unknown>;
  /** A user without a password: they can only log in through the provider. */
  createUser(input: {
    username: string;
    displayName: string;
    role: OidcRole;
    oidcSubject: string;
    passwordHash: null;
    comune?: string | null;
  }): MaybePromise<U>;
}

/** Shaped like the AuthStore's NewAuditEntry. */
export interface OidcAuditEntry {
  actor: string;
  actorName?: string | null;
  role: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  detail?: Record<string, unknown>;
  ip?: string;
  comune?: string | null;
}

export interface OidcLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type ResolveOidcUser<U extends OidcStoredUser = OidcStoredUser> = (claims: OidcClaims) => Promise<U | null>;

/** SPID/CIE name the codice fiscale differently depending on who relays it. */
const FISCAL_NUMBER_CLAIMS = ['fiscalNumber', 'fiscal_number', 'https://attributes.eid.gov.it/fiscal_number'];
const CODICE_FISCALE = /^[A-Z0-9]{11,16}$/;

/** Normalised e-mail, or undefined when absent or explicitly unverified. */
export function emailClaim(claims: OidcClaims): string | undefined {
  const email = claims.email;
  if (typeof email !== 'string' || !email.includes('@')) return undefined;
  if (claims.email_verified === false || claims.email_verified === 'false') return undefined;
  return email.trim().toLowerCase();
}

/** Codice fiscale without SPID's "TINIT-" prefix, upper case; undefined when absent or malformed. */
export function fiscalNumberClaim(claims: OidcClaims): string | undefined {
  for (const name of FISCAL_NUMBER_CLAIMS) {
    const v = claims[name];
    if (typeof v !== 'string') continue;
    const cf = v
      .trim()
      .toUpperCase()
      .replace(/^TINIT-/, '');
    if (CODICE_FISCALE.test(cf)) return cf;
  }
  return undefined;
}

function displayNameOf(claims: OidcClaims, fallback: string): string {
  if (typeof claims.name === 'string' && claims.name.trim()) return claims.name.trim();
  const given = claims.given_name ?? claims.name_given;
  const family = claims.family_name ?? claims.familyName;
  const parts = [given, family].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  return parts.length ? parts.join(' ') : fallback;
}

/**
 * When several groups map to roles, the first of this list wins. Archivist and records manager are not a superset of
 * each other; the records manager (Responsabile protocollo) comes first as the office's senior records role.
 */
const ROLE_PRECEDENCE: readonly OidcRole[] = ['admin', 'records_manager', 'archivist', 'professional'];

/** The role the role claim maps to (see ROLE_PRECEDENCE), else the default role. */
export function provisionedRole(claims: OidcClaims, config: OidcConfig): OidcRole {
  const raw = config.roleClaim ? claims[config.roleClaim] : undefined;
  const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
  const mapped = values.map((v) => config.roleMap[v]).filter((r): r is OidcRole => r !== undefined);
  return ROLE_PRECEDENCE.find((r) => mapped.includes(r)) ?? config.defaultRole;
}

export function resolveOidcUser<U extends OidcStoredUser>(
  store: OidcUserStore<U>,
  config: OidcConfig,
  opts: {
    audit?(entry: OidcAuditEntry): Promise<void>;
    logger?: OidcLogger;
    /** Home Comune of provisioned staff (a role claim mapping to a staff role); union level when not given. */
    staffComune?: string;
  } = {},
): ResolveOidcUser<U> {
  /** The username the match claim points at ('sub' matching has none). */
  function matchKey(claims: OidcClaims): string | undefined {
    if (config.matchClaim === 'email') return emailClaim(claims);
    if (config.matchClaim === 'fiscalNumber') return fiscalNumberClaim(claims);
    return undefined;
  }

  async function findByKey(key: string): Promise<U | null> {
    // A codice fiscale may have been typed as a username in either case.
    for (const candidate of new Set([key, key.toLowerCase()])) {
      const user = await store.getUserByUsername(candidate);
      if (user) return user;
    }
    return null;
  }

  async function freeUsername(claims: OidcClaims): Promise<string> {
    const suffix = createHash('sha256').update(claims.sub).digest('hex').slice(0, 10);
    const preferred = claims.preferred_username;
    const base =
      fiscalNumberClaim(claims) ??
      emailClaim(claims) ??
      (typeof preferred === 'string' && preferred.trim() ? preferred.trim().toLowerCase() : `oidc-${suffix}`);
    // With 'sub' matching an existing username belongs to someone else: never attach the identity to it.
    return (await findByKey(base)) ? `${base}-${suffix}` : base;
  }

  async function resolve(claims: OidcClaims): Promise<U | null> {
    const linked = await store.getUserByOidcSubject(claims.sub);
    if (linked) return linked;

    const key = matchKey(claims);
    if (config.matchClaim !== 'sub') {
      if (!key) {
        opts.logger?.warn({ sub: claims.sub, matchClaim: config.matchClaim }, 'OIDC identity lacks the match claim');
        return null;
      }
      const user = await findByKey(key);
      if (user) {
        if (user.oidcSubject && user.oidcSubject !== claims.sub) {
          // The user is linked to another identity: a changed e-mail at the provider must not take it over.
          opts.logger?.warn({ userId: user.id, sub: claims.sub }, 'OIDC match claim points at a user linked elsewhere');
          return null;
        }
        await store.setOidcSubject(user.id, claims.sub);
        opts.logger?.info({ userId: user.id, sub: claims.sub }, 'OIDC subject linked to user');
        return { ...user, oidcSubject: claims.sub };
      }
    }

    if (!config.autoProvision) return null;
    const username = key ?? (await freeUsername(claims));
    const role = provisionedRole(claims, config);
    const created = await store.createUser({
      username,
      displayName: displayNameOf(claims, username),
      role,
      oidcSubject: claims.sub,
      passwordHash: null,
      ...(role !== 'professional' && opts.staffComune ? { comune: opts.staffComune } : {}),
    });
    opts.logger?.info({ userId: created.id, role }, 'OIDC user provisioned');
    await opts.audit?.({
      actor: created.id,
      actorName: created.username,
      role,
      action: 'user.create',
      targetType: 'user',
      targetId: created.id,
      detail: { via: 'oidc', username, role },
      comune: created.comune ?? null,
    });
    return created;
  }

  return async (claims) => {
    try {
      return await resolve(claims);
    } catch (err) {
      // Two first logins of one identity at once: the loser's link or insert hits the store's unique subject. The
      // winner's user is then the answer; anything else is a real failure.
      const winner = await store.getUserByOidcSubject(claims.sub);
      if (winner) return winner;
      throw err;
    }
  };
}
