// User administration across the Comuni of a union, over real HTTP (real SQLite, real Redis sessions): a Comune-level
// administrator manages only the staff of the Comuni they act on, a union-level one everybody; the current user's
// Comune and scope come from the user row at each request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { startApi } from '../helpers/http.ts';
import { login } from '../helpers/auth.ts';
import { THREE_COMUNI, callJson, tenantUser, type TenantCaller } from '../auth/tenant-callers.ts';

let world: World;
let api: { app: FastifyInstance; url: string };
let union: TenantCaller;
/** Administrator of Lugo (E730) with a grant for Bagnacavallo (A547). */
let lugo: TenantCaller;

beforeAll(async () => {
  world = await createWorld({ union: { ...THREE_COMUNI, defaultComune: 'A547' } }, { workers: false });
  api = await startApi(world.services);
  union = await tenantUser(world.services, 'admin', null);
  lugo = await tenantUser(world.services, 'admin', 'E730', { grantedComuni: ['A547'] });
});
afterAll(async () => {
  await api?.app.close();
  await world?.close();
});

const call = (caller: TenantCaller, method: string, path: string, body?: unknown) =>
  callJson(api.url, method, path, caller.headers, body);
const FORBIDDEN = { error: { code: 'FORBIDDEN', message: 'Accesso non consentito' } };
const NOT_FOUND = { error: { code: 'NOT_FOUND', message: 'Utente non trovato' } };
const newUser = (extra: Record<string, unknown>) => ({
  username: `nuovo-${Math.random().toString(36).slice(2, 10)}`,
  displayName: 'Nuovo utente',
  role: 'archivist',
  ...extra,
});

describe('a Comune-level administrator', () => {
  it('lists only the staff of the Comuni they act on', async () => {
    const a = await tenantUser(world.services, 'archivist', 'E730');
    const b = await tenantUser(world.services, 'records_manager', 'A547');
    const c = await tenantUser(world.services, 'archivist', 'H199');
    const pro = await tenantUser(world.services, 'professional', null);
    const res = await call(lugo, 'GET', '/api/users');
    expect(res.status).toBe(200);
    const ids = res.body.users.map((u: { id: string }) => u.id);
    expect(ids).toEqual(expect.arrayContaining([a.user.id, b.user.id, lugo.user.id]));
    expect(ids).not.toContain(c.user.id);
    expect(ids).not.toContain(pro.user.id);
    expect(ids).not.toContain(union.user.id);
    expect(res.body.users.every((u: { comune: string }) => ['E730', 'A547'].includes(u.comune))).toBe(true);
    expect(res.body.users.find((u: { id: string }) => u.id === lugo.user.id)).toMatchObject({
      comune: 'E730',
      grantedComuni: ['A547'],
    });
  });

  it('creates staff in their Comuni only, never union-level users, professionals or grants beyond their scope', async () => {
    const home = await call(lugo, 'POST', '/api/users', newUser({}));
    expect(home.status).toBe(201);
    expect(home.body.user).toMatchObject({ comune: 'E730', grantedComuni: [] });
    const granted = await call(lugo, 'POST', '/api/users', newUser({ comune: 'a547', grantedComuni: ['E730'] }));
    expect(granted.status).toBe(201);
    expect(granted.body.user).toMatchObject({ comune: 'A547', grantedComuni: ['E730'] });

    for (const body of [
      newUser({ comune: null }),
      newUser({ comune: 'H199' }),
      newUser({ grantedComuni: ['H199'] }),
      newUser({ role: 'professional' }),
    ]) {
      const res = await call(lugo, 'POST', '/api/users', body);
      expect(res, JSON.stringify(body)).toMatchObject({ status: 403, body: FORBIDDEN });
      expect(await world.services.auth.getUserByUsername(body.username)).toBeNull();
    }
    const unknown = await call(lugo, 'POST', '/api/users', newUser({ comune: 'Z999' }));
    expect(unknown).toMatchObject({
      status: 400,
      body: { error: { code: 'UNKNOWN_COMUNE', message: 'Comune sconosciuto: Z999' } },
    });
  });

  it('cannot see or change users outside their Comuni, nor move theirs out of them', async () => {
    const ravenna = await tenantUser(world.services, 'archivist', 'H199');
    const pro = await tenantUser(world.services, 'professional', null);
    for (const target of [ravenna, pro, union]) {
      expect(await call(lugo, 'PATCH', `/api/users/${target.user.id}`, { displayName: 'x' })).toMatchObject({
        status: 404,
        body: NOT_FOUND,
      });
      expect((await call(lugo, 'GET', `/api/users/${target.user.id}/tokens`)).status).toBe(404);
      expect((await call(lugo, 'POST', `/api/users/${target.user.id}/tokens`, { label: 'x' })).status).toBe(404);
    }
    const [token] = await world.services.auth.listTokens(ravenna.user.id);
    expect((await call(lugo, 'DELETE', `/api/users/${ravenna.user.id}/tokens/${token!.id}`)).status).toBe(404);
    expect((await world.services.auth.listTokens(ravenna.user.id))[0]!.revokedAt).toBeNull();
    expect((await world.services.auth.getUser(ravenna.user.id))!.displayName).not.toBe('x');

    const mine = await tenantUser(world.services, 'archivist', 'E730');
    for (const body of [{ comune: 'H199' }, { comune: null }, { role: 'professional' }, { grantedComuni: ['H199'] }]) {
      expect(await call(lugo, 'PATCH', `/api/users/${mine.user.id}`, body), JSON.stringify(body)).toMatchObject({
        status: 403,
        body: FORBIDDEN,
      });
    }
    expect(await world.services.auth.getUser(mine.user.id)).toMatchObject({ comune: 'E730', grantedComuni: [] });

    const moved = await call(lugo, 'PATCH', `/api/users/${mine.user.id}`, { comune: 'A547', grantedComuni: ['E730'] });
    expect(moved.status).toBe(200);
    expect(moved.body.user).toMatchObject({ comune: 'A547', grantedComuni: ['E730'] });
  });

  it('keeps the grants outside their scope that a union-level administrator gave', async () => {
    const shared = await tenantUser(world.services, 'archivist', 'E730', { grantedComuni: ['H199'] });
    const res = await call(lugo, 'PATCH', `/api/users/${shared.user.id}`, { grantedComuni: ['A547', 'H199'] });
    expect(res.status).toBe(200);
    expect(res.body.user.grantedComuni).toEqual(['A547', 'H199']);
    const dropped = await call(lugo, 'PATCH', `/api/users/${shared.user.id}`, { grantedComuni: [] });
    expect(dropped.body.user.grantedComuni).toEqual(['H199']);
  });

  it('writes its user administration to the audit log under the Comune concerned', async () => {
    const created = await call(lugo, 'POST', '/api/users', newUser({ comune: 'A547' }));
    const audit = await call(union, 'GET', `/api/audit?action=user.create&targetId=${created.body.user.id}`);
    expect(audit.body.entries).toMatchObject([{ actor: lugo.user.id, comune: 'A547' }]);
  });
});

describe('a union-level administrator', () => {
  it('manages every user: union-level staff, any Comune and grant, staff without a Comune in the default one', async () => {
    const all = (await call(union, 'GET', '/api/users')).body.users.map((u: { id: string }) => u.id);
    expect(all).toEqual(expect.arrayContaining([lugo.user.id, union.user.id]));
    const unionStaff = await call(union, 'POST', '/api/users', newUser({ comune: null, grantedComuni: ['E730'] }));
    expect(unionStaff.body.user).toMatchObject({ comune: null, grantedComuni: [] });
    const defaulted = await call(union, 'POST', '/api/users', newUser({ role: 'records_manager' }));
    expect(defaulted.body.user).toMatchObject({ comune: 'A547', grantedComuni: [] });
    const pro = await call(union, 'POST', '/api/users', newUser({ role: 'professional', comune: 'E730' }));
    expect(pro.body.user).toMatchObject({ role: 'professional', comune: null, grantedComuni: [] });
    const patched = await call(union, 'PATCH', `/api/users/${defaulted.body.user.id}`, {
      comune: 'H199',
      grantedComuni: ['E730', 'A547', 'E730'],
    });
    expect(patched.body.user).toMatchObject({ comune: 'H199', grantedComuni: ['A547', 'E730'] });
    expect(
      (await call(union, 'PATCH', `/api/users/${defaulted.body.user.id}`, { grantedComuni: ['X1'] })).body.error,
    ).toEqual({ code: 'UNKNOWN_COMUNE', message: 'Comune sconosciuto: X1' });
  });

  it('cannot turn the last union-level administrator into a Comune-level one', async () => {
    const world2 = await createWorld({ union: THREE_COMUNI }, { workers: false });
    const api2 = await startApi(world2.services); // with its own union-level administrator
    try {
      const first = (await world2.services.auth.listUsers()).find((u) => u.role === 'admin')!;
      const second = await tenantUser(world2.services, 'admin', null);
      const patch = (headers: Record<string, string>, id: string, body: unknown) =>
        callJson(api2.url, 'PATCH', `/api/users/${id}`, headers, body);
      expect((await patch(api2.headers, second.user.id, { comune: 'E730' })).status).toBe(200);
      // Now Comune-level, the second no longer manages the first.
      expect((await patch(second.headers, first.id, { comune: 'E730' })).status).toBe(404);
      for (const body of [{ comune: 'A547' }, { role: 'archivist' }, { disabled: true }]) {
        expect(await patch(api2.headers, first.id, body)).toMatchObject({
          status: 409,
          body: { error: { code: 'LAST_ADMIN', message: "Deve restare almeno un amministratore attivo dell'Unione" } },
        });
      }
      expect(await world2.services.auth.getUser(first.id)).toMatchObject({ comune: null, role: 'admin' });
    } finally {
      await api2.app.close();
      await world2.close();
    }
  });
});

describe('the current user', () => {
  it('GET /api/auth/me tells the Comune, its name, the grants and the scope, which follow a grant at once', async () => {
    const archivist = await tenantUser(world.services, 'archivist', 'E730', { password: 'password-di-prova' });
    const session = await login(api.url, archivist.user.username, 'password-di-prova');
    expect(session.body.user).toMatchObject({ comune: 'E730', comuneName: 'Lugo', scope: { full: ['E730'] } });
    const me = await callJson(api.url, 'GET', '/api/auth/me', { cookie: session.cookie });
    expect(me.body.user).toEqual({
      id: archivist.user.id,
      username: archivist.user.username,
      displayName: archivist.user.displayName,
      role: 'archivist',
      authMethod: 'session',
      comune: 'E730',
      grantedComuni: [],
      comuneName: 'Lugo',
      scope: { full: ['E730'] },
    });

    expect((await call(union, 'PATCH', `/api/users/${archivist.user.id}`, { grantedComuni: ['H199'] })).status).toBe(
      200,
    );
    const after = await callJson(api.url, 'GET', '/api/auth/me', { cookie: session.cookie });
    expect(after.body.user).toMatchObject({ grantedComuni: ['H199'], scope: { full: ['E730', 'H199'] } });
    const viaToken = await callJson(api.url, 'GET', '/api/auth/me', archivist.headers);
    expect(viaToken.body.user).toMatchObject({ authMethod: 'token', scope: { full: ['E730', 'H199'] } });

    expect((await call(union, 'GET', '/api/auth/me')).body.user).toMatchObject({
      comune: null,
      comuneName: null,
      scope: { full: '*' },
    });
    const pro = await tenantUser(world.services, 'professional', null);
    expect((await call(pro, 'GET', '/api/auth/me')).body.user).toMatchObject({ comune: null, scope: { full: [] } });
  });
});
