// Authenticated callers for API tests: a user of a given role with an API token (bearer headers, fast: no password
// hashing), or a real password login over HTTP returning the session cookie and CSRF token.
import { newApiToken } from '../../src/auth/api-token.ts';
import type { User } from '../../src/auth/auth-store.ts';
import { hashPassword } from '../../src/auth/password.ts';
import type { Role } from '../../src/auth/roles.ts';
import type { AppServices } from '../../src/workers/services.ts';

let seq = 0;
const uniqueName = (role: Role) => `${role.replace('_', '-')}-${process.pid}-${++seq}`;

/** A user (no password unless given) of `role`; `username` defaults to a unique one. */
export async function createTestUser(
  services: Pick<AppServices, 'auth'>,
  role: Role,
  opts: UserOptions & { password?: string; displayName?: string } = {},
): Promise<User> {
  const username = opts.username ?? uniqueName(role);
  return services.auth.createUser({
    username,
    displayName: opts.displayName ?? `Utente ${username}`,
    role,
    passwordHash: opts.password ? await hashPassword(opts.password) : null,
    comune: opts.comune ?? null,
    grantedComuni: opts.grantedComuni ?? [],
  });
}

/** Username (unique by default), home Comune (null/absent = union level) and granted Comuni. */
export interface UserOptions {
  username?: string;
  comune?: string | null;
  grantedComuni?: string[];
}

export interface BearerCaller {
  user: User;
  token: string;
  headers: { authorization: string };
}

/** A user of `role` with an API token; `headers` authenticate a request (no CSRF needed for bearer requests). */
export async function bearerUser(
  services: Pick<AppServices, 'auth'>,
  role: Role,
  opts: UserOptions = {},
): Promise<BearerCaller> {
  const user = await createTestUser(services, role, opts);
  const { token, tokenHash } = newApiToken();
  await services.auth.createToken({ tokenHash, userId: user.id, label: 'test' });
  return { user, token, headers: { authorization: `Bearer ${token}` } };
}

export interface CookieCaller {
  cookie: string;
  csrfToken: string;
  body: { user: { id: string; username: string; role: Role }; csrfToken: string };
  /** Cookie and CSRF header: what the web app sends on an unsafe request. */
  headers: { cookie: string; 'x-csrf-token': string };
}

/** Logs in over HTTP with username and password; throws unless the login succeeds. */
export async function login(url: string, username: string, password: string): Promise<CookieCaller> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('faldone_session='));
  if (!setCookie) throw new Error('login set no session cookie');
  const cookie = setCookie.split(';')[0]!;
  const body = (await res.json()) as CookieCaller['body'];
  return { cookie, csrfToken: body.csrfToken, body, headers: { cookie, 'x-csrf-token': body.csrfToken } };
}

/** A new user of `role` with a password, logged in over HTTP. */
export async function cookieUser(
  services: Pick<AppServices, 'auth'>,
  url: string,
  role: Role,
  opts: UserOptions & { password?: string } = {},
): Promise<CookieCaller & { user: User; password: string }> {
  const password = opts.password ?? 'password-di-prova';
  const user = await createTestUser(services, role, { ...opts, password });
  return { ...(await login(url, user.username, password)), user, password };
}
