// Callers of a given role, home Comune and grants for the tenancy API tests: a user with an API token (bearer
// headers), optionally with a password for a real login. The union they are tested against has three Comuni.
import type { ConfigInput } from '../../src/core/config.ts';
import { newApiToken } from '../../src/auth/api-token.ts';
import type { User } from '../../src/auth/auth-store.ts';
import { hashPassword } from '../../src/auth/password.ts';
import type { Role } from '../../src/auth/roles.ts';
import type { AppServices } from '../../src/workers/services.ts';

export const THREE_COMUNI: ConfigInput['union'] = {
  name: 'Unione dei Comuni della Bassa Romagna',
  comuni: [
    { code: 'E730', name: 'Lugo' },
    { code: 'A547', name: 'Bagnacavallo' },
    { code: 'H199', name: 'Ravenna' },
  ],
};

export interface TenantCaller {
  user: User;
  headers: { authorization: string };
}

let seq = 0;

/** A user of `role` whose home is `comune` (null = union level), with an API token. */
export async function tenantUser(
  services: Pick<AppServices, 'auth'>,
  role: Role,
  comune: string | null,
  opts: { grantedComuni?: string[]; password?: string } = {},
): Promise<TenantCaller> {
  const username = `${role.replace('_', '-')}-${(comune ?? 'unione').toLowerCase()}-${process.pid}-${++seq}`;
  const user = await services.auth.createUser({
    username,
    displayName: `Utente ${username}`,
    role,
    comune,
    grantedComuni: opts.grantedComuni ?? [],
    passwordHash: opts.password ? await hashPassword(opts.password) : null,
  });
  const { token, tokenHash } = newApiToken();
  await services.auth.createToken({ tokenHash, userId: user.id, label: 'test' });
  return { user, headers: { authorization: `Bearer ${token}` } };
}

/** JSON over real HTTP: status and parsed body (undefined when empty). */
export async function callJson(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
