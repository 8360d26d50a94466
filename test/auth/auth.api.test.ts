// Login, sessions, CSRF, API tokens and user administration over real HTTP (real Redis sessions, real SQLite).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { startApi } from '../helpers/http.ts';
import { bearerUser, cookieUser, createTestUser, login, type BearerCaller } from '../helpers/auth.ts';

let world: World;
let api: { app: FastifyInstance; url: string };
let admin: BearerCaller;

beforeAll(async () => {
  world = await createWorld({ auth: { loginRateLimit: 5 } }, { workers: false });
  api = await startApi(world.services);
  admin = await bearerUser(world.services, 'admin');
});
afterAll(async () => {
  await api?.app.close();
  await world?.close();
});

async function call(method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
const loginRaw = (username: string, password: string, headers: Record<string, string> = {}) =>
  call('POST', '/api/auth/login', headers, { username, password });

describe('login, session and logout', () => {
  it('logs in with a password, sets a strict httpOnly cookie, knows the user, and logs out', async () => {
    const user = await createTestUser(world.services, 'archivist', {
      username: 'anna.bianchi',
      password: 'segreta-123',
    });
    expect((await loginRaw('anna.bianchi', 'sbagliata')).body).toEqual({
      error: { code: 'INVALID_CREDENTIALS', message: 'Credenziali non valide' },
    });
    expect((await loginRaw('nessuno', 'segreta-123')).status).toBe(401);

    const res = await fetch(`${api.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ANNA.BIANCHI', password: 'segreta-123' }),
    });
    expect(res.status).toBe(200);
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('faldone_session='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/i);
    const body = await res.json();
    expect(body).toEqual({
      user: {
        id: user.id,
        username: 'anna.bianchi',
        displayName: user.displayName,
        role: 'archivist',
        authMethod: 'session',
        comune: null,
        grantedComuni: [],
        scope: { full: '*' },
        comuneName: null,
      },
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
    });
    const cookie = setCookie.split(';')[0]!;

    const me = await call('GET', '/api/auth/me', { cookie });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user: body.user, csrfToken: body.csrfToken });

    expect((await call('POST', '/api/auth/logout', { cookie })).body.error.code).toBe('CSRF');
    const out = await call('POST', '/api/auth/logout', { cookie, 'x-csrf-token': body.csrfToken });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join()).toMatch(/faldone_session=;/);
    expect((await call('GET', '/api/auth/me', { cookie })).body).toEqual({
      error: { code: 'UNAUTHENTICATED', message: 'Accesso richiesto' },
    });

    const audit = await call('GET', `/api/audit?targetId=${user.id}`, admin.headers);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual([
      'auth.logout',
      'auth.login',
      'auth.login_failed',
    ]);
    expect(audit.body.entries[1]).toMatchObject({
      actor: user.id,
      actorName: 'anna.bianchi',
      role: 'archivist',
      ip: '127.0.0.1',
    });
    expect(audit.body.entries[2]).toMatchObject({ actor: 'anonymous', detail: { username: 'anna.bianchi' } });
    const unknown = await call('GET', '/api/audit?action=auth.login_failed', admin.headers);
    expect(unknown.body.entries.some((e: { detail: { username: string } }) => e.detail.username === 'nessuno')).toBe(
      true,
    );
  });

  it('refuses a login posted from another site', async () => {
    await createTestUser(world.services, 'archivist', { username: 'origine', password: 'segreta-123' });
    const res = await loginRaw('origine', 'segreta-123', { origin: 'https://malintenzionato.example' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('ORIGIN');
    expect((await loginRaw('origine', 'segreta-123', { origin: api.url })).status).toBe(200);
  });

  it('answers 429 in Italian after too many attempts for one username from one address', async () => {
    await createTestUser(world.services, 'professional', { username: 'bersaglio', password: 'segreta-123' });
    for (let i = 0; i < 5; i++) expect((await loginRaw('bersaglio', `tentativo-${i}`)).status).toBe(401);
    const limited = await loginRaw('bersaglio', 'segreta-123');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      error: { code: 'RATE_LIMITED', message: 'Troppi tentativi di accesso: riprova tra un minuto' },
    });
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    // Another username from the same address still gets its own attempts.
    expect((await loginRaw('qualcun-altro', 'x')).status).toBe(401);
  });

  it('publishes the login page configuration without a login', async () => {
    expect((await call('GET', '/api/auth/config')).body).toEqual({ oidc: { enabled: false, label: 'SPID/CIE' } });
  });
});

describe('CSRF and API tokens', () => {
  it('refuses a cookie-authenticated unsafe request without the right CSRF token', async () => {
    const boss = await cookieUser(world.services, api.url, 'admin');
    const newUser = {
      username: 'creato-da-cookie',
      displayName: 'Creato',
      role: 'professional',
      password: 'segreta-123',
    };
    const missing = await call('POST', '/api/users', { cookie: boss.cookie }, newUser);
    expect(missing.status).toBe(403);
    expect(missing.body).toEqual({ error: { code: 'CSRF', message: 'Token CSRF mancante o non valido' } });
    const wrong = await call(
      'POST',
      '/api/users',
      { cookie: boss.cookie, 'x-csrf-token': `${boss.csrfToken.slice(1)}x` },
      newUser,
    );
    expect(wrong.status).toBe(403);
    const other = await cookieUser(world.services, api.url, 'admin');
    expect(
      (await call('POST', '/api/users', { cookie: boss.cookie, 'x-csrf-token': other.csrfToken }, newUser)).status,
    ).toBe(403);
    expect(await world.services.auth.getUserByUsername('creato-da-cookie')).toBeNull();

    const ok = await call('POST', '/api/users', boss.headers, newUser);
    expect(ok.status).toBe(201);
    expect(ok.body.user).toMatchObject({ username: 'creato-da-cookie', role: 'professional', disabled: false });
    expect(ok.body.user.passwordHash).toBeUndefined();
    // Safe methods need no CSRF token.
    expect((await call('GET', '/api/users', { cookie: boss.cookie })).status).toBe(200);
  });

  it('accepts an API token without CSRF, with the role of its user, until it is revoked', async () => {
    const target = await createTestUser(world.services, 'archivist');
    const created = await call('POST', `/api/users/${target.id}/tokens`, admin.headers, {
      label: 'script di importazione',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      token: expect.stringMatching(/^fld_/),
      label: 'script di importazione',
      userId: target.id,
    });
    const bearer = { authorization: `Bearer ${created.body.token}` };
    const me = await call('GET', '/api/auth/me', bearer);
    expect(me.body).toEqual({
      user: expect.objectContaining({ id: target.id, role: 'archivist', authMethod: 'token' }),
      csrfToken: null,
    });
    expect((await call('GET', '/api/batches', bearer)).status).toBe(200);
    expect((await call('GET', '/api/users', bearer)).status).toBe(403);

    const list = await call('GET', `/api/users/${target.id}/tokens`, admin.headers);
    expect(list.body.tokens).toEqual([
      expect.objectContaining({ id: created.body.id, lastUsedAt: expect.any(String), revokedAt: null }),
    ]);
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    expect((await call('DELETE', `/api/users/${target.id}/tokens/${created.body.id}`, admin.headers)).status).toBe(204);
    expect((await call('GET', '/api/auth/me', bearer)).status).toBe(401);
    expect((await call('DELETE', `/api/users/${target.id}/tokens/${created.body.id}`, admin.headers)).status).toBe(404);

    const audit = await call('GET', `/api/audit?targetId=${created.body.id}`, admin.headers);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(['token.revoke', 'token.create']);
    expect(audit.body.entries[1].detail).toEqual({
      userId: target.id,
      username: target.username,
      label: 'script di importazione',
    });
  });
});

describe('user administration', () => {
  it('disables a user: the login is refused and every session of theirs ends at once', async () => {
    const u = await cookieUser(world.services, api.url, 'records_manager', { password: 'prima-password' });
    const second = await login(api.url, u.user.username, 'prima-password');
    expect((await call('GET', '/api/review', { cookie: u.cookie })).status).toBe(200);
    const disabled = await call('PATCH', `/api/users/${u.user.id}`, admin.headers, { disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body.user.disabled).toBe(true);
    expect((await call('GET', '/api/review', { cookie: u.cookie })).status).toBe(401);
    expect((await call('GET', '/api/auth/me', { cookie: second.cookie })).status).toBe(401);
    expect((await loginRaw(u.user.username, 'prima-password')).body.error.message).toBe('Credenziali non valide');
    const failed = await call('GET', `/api/audit?action=auth.login_failed&targetId=${u.user.id}`, admin.headers);
    expect(failed.body.entries[0].detail).toEqual({ username: u.user.username, reason: 'disabled' });

    await call('PATCH', `/api/users/${u.user.id}`, admin.headers, { disabled: false });
    expect((await login(api.url, u.user.username, 'prima-password')).body.user.role).toBe('records_manager');
  });

  it('a new password ends the old sessions; a role change applies to the next request', async () => {
    const u = await cookieUser(world.services, api.url, 'professional', { password: 'vecchia-password' });
    expect((await call('GET', '/api/batches', { cookie: u.cookie })).status).toBe(403);
    const promoted = await call('PATCH', `/api/users/${u.user.id}`, admin.headers, {
      role: 'archivist',
      displayName: 'Promossa',
    });
    expect(promoted.body.user).toMatchObject({ role: 'archivist', displayName: 'Promossa' });
    expect((await call('GET', '/api/batches', { cookie: u.cookie })).status).toBe(200);

    expect((await call('PATCH', `/api/users/${u.user.id}`, admin.headers, { password: 'corta' })).status).toBe(400);
    expect((await call('PATCH', `/api/users/${u.user.id}`, admin.headers, { password: 'nuova-password' })).status).toBe(
      200,
    );
    expect((await call('GET', '/api/auth/me', { cookie: u.cookie })).status).toBe(401);
    expect((await loginRaw(u.user.username, 'vecchia-password')).status).toBe(401);
    expect((await login(api.url, u.user.username, 'nuova-password')).body.user.role).toBe('archivist');

    const audit = await call('GET', `/api/audit?action=user.update&targetId=${u.user.id}`, admin.headers);
    expect(audit.body.entries[0].detail).toMatchObject({ fields: ['password'], endedSessions: 1 });
    expect(audit.body.entries[1].detail).toMatchObject({ fields: ['displayName', 'role'], role: 'archivist' });
  });

  it('validates new users and keeps at least one active administrator', async () => {
    const bad = await call('POST', '/api/users', admin.headers, {
      username: '<script>',
      displayName: 'x',
      role: 'admin',
      password: 'segreta-123',
    });
    expect(bad.status).toBe(400);
    expect(
      (
        await call('POST', '/api/users', admin.headers, {
          username: 'ruolo',
          displayName: 'x',
          role: 'root',
          password: 'segreta-123',
        })
      ).status,
    ).toBe(400);
    const dup = await call('POST', '/api/users', admin.headers, {
      username: admin.user.username.toUpperCase(),
      displayName: 'x',
      role: 'admin',
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('USERNAME_TAKEN');

    // Every other administrator disabled: the last one cannot be demoted or disabled.
    for (const u of await world.services.auth.listUsers()) {
      if (u.role === 'admin' && u.id !== admin.user.id) await world.services.auth.updateUser(u.id, { disabled: true });
    }
    const demote = await call('PATCH', `/api/users/${admin.user.id}`, admin.headers, { role: 'archivist' });
    expect(demote.status).toBe(409);
    expect(demote.body.error).toEqual({
      code: 'LAST_ADMIN',
      message: "Deve restare almeno un amministratore attivo dell'Unione",
    });
    expect((await call('PATCH', `/api/users/${admin.user.id}`, admin.headers, { disabled: true })).status).toBe(409);
    expect((await call('PATCH', `/api/users/${admin.user.id}`, admin.headers, { displayName: 'Capo' })).status).toBe(
      200,
    );
    expect(
      (await call('PATCH', '/api/users/00000000-0000-4000-8000-000000000000', admin.headers, { displayName: 'x' }))
        .status,
    ).toBe(404);
  });
});
