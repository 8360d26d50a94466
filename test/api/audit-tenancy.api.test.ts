// The audit log across the Comuni of a union, over real HTTP: each entry carries the Comune the action concerned (else
// the actor's home Comune); a Comune-level administrator reads only the entries of the Comuni they act on, filtered in
// the store's SQL; a union-level one reads them all, union-level entries included, and filters by Comune.
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
/** Administrator of Ravenna (H199). */
let ravenna: TenantCaller;

interface Entry {
  action: string;
  actor: string;
  comune: string | null;
  targetId: string | null;
}

beforeAll(async () => {
  world = await createWorld({ union: THREE_COMUNI }, { workers: false });
  api = await startApi(world.services);
  union = await tenantUser(world.services, 'admin', null);
  lugo = await tenantUser(world.services, 'admin', 'E730', { grantedComuni: ['A547'] });
  ravenna = await tenantUser(world.services, 'admin', 'H199');
  const { auth } = world.services;
  await auth.appendAudit({ actor: 'x', action: 'document.view', targetId: 'doc-lugo', comune: 'E730' });
  await auth.appendAudit({ actor: 'x', action: 'document.view', targetId: 'doc-bagnacavallo', comune: 'A547' });
  await auth.appendAudit({ actor: 'x', action: 'document.view', targetId: 'doc-ravenna', comune: 'H199' });
  await auth.appendAudit({ actor: 'x', action: 'model.retrain', targetId: 'union-wide', comune: null });
});
afterAll(async () => {
  await api?.app.close();
  await world?.close();
});

const audit = async (caller: TenantCaller, query = '') => {
  const res = await callJson(api.url, 'GET', `/api/audit?limit=500${query}`, caller.headers);
  expect(res.status).toBe(200);
  return res.body as { total: number; entries: Entry[] };
};
const comuniOf = (entries: Entry[]) => [...new Set(entries.map((e) => e.comune))].sort();

describe('audit entries carry a Comune', () => {
  it("takes the actor's home Comune by default, and the Comune concerned when the route names it", async () => {
    const archivist = await tenantUser(world.services, 'archivist', 'A547', { password: 'password-di-prova' });
    await login(api.url, archivist.user.username, 'password-di-prova');
    const created = await callJson(api.url, 'POST', '/api/users', lugo.headers, {
      username: 'creato-a-bagnacavallo',
      displayName: 'Creato',
      role: 'archivist',
      comune: 'A547',
    });
    expect(created.status).toBe(201);
    const token = await callJson(api.url, 'POST', `/api/users/${created.body.user.id}/tokens`, union.headers, {
      label: 'script',
    });

    const all = await audit(union);
    const find = (action: string, targetId: string) =>
      all.entries.find((e) => e.action === action && e.targetId === targetId);
    expect(find('auth.login', archivist.user.id)).toMatchObject({ actor: archivist.user.id, comune: 'A547' });
    expect(find('user.create', created.body.user.id)).toMatchObject({ actor: lugo.user.id, comune: 'A547' });
    // The union-level administrator acted on a user of Bagnacavallo: the entry belongs to Bagnacavallo.
    expect(find('token.create', token.body.id)).toMatchObject({ actor: union.user.id, comune: 'A547' });
  });
});

describe('who reads which entries', () => {
  it('a Comune-level administrator reads only the Comuni they act on, never union-level entries', async () => {
    const mine = await audit(lugo);
    expect(mine.total).toBe(mine.entries.length);
    expect(comuniOf(mine.entries)).toEqual(['A547', 'E730']);
    expect(mine.entries.map((e) => e.targetId)).toEqual(expect.arrayContaining(['doc-lugo', 'doc-bagnacavallo']));
    expect(mine.entries.map((e) => e.targetId)).not.toContain('union-wide');

    const other = await audit(ravenna);
    expect(comuniOf(other.entries)).toEqual(['H199']);
    expect(other.entries.map((e) => e.targetId)).toContain('doc-ravenna');

    // Asking for a Comune outside the scope gives an empty page, not its entries.
    expect(await audit(lugo, '&comune=H199')).toEqual({ total: 0, entries: [] });
    const narrowed = await audit(lugo, '&comune=a547,H199');
    expect(comuniOf(narrowed.entries)).toEqual(['A547']);
    expect((await audit(lugo, '&targetId=doc-ravenna')).total).toBe(0);
  });

  it('a union-level administrator reads every entry and filters by Comune', async () => {
    const all = await audit(union);
    expect(comuniOf(all.entries)).toEqual(['A547', 'E730', 'H199', null].sort());
    expect(all.entries.map((e) => e.targetId)).toContain('union-wide');
    const two = await audit(union, '&comune=E730,H199');
    expect(comuniOf(two.entries)).toEqual(['E730', 'H199']);
    expect(two.total).toBe(all.entries.filter((e) => e.comune === 'E730' || e.comune === 'H199').length);
    const bad = await callJson(api.url, 'GET', '/api/audit?comune=E7%2030', union.headers);
    expect(bad.status).toBe(400);
  });

  it('a revoked grant hides that Comune from the next request on', async () => {
    const lucia = await tenantUser(world.services, 'admin', 'E730', { grantedComuni: ['A547'] });
    expect(comuniOf((await audit(lucia)).entries)).toEqual(['A547', 'E730']);
    const patched = await callJson(api.url, 'PATCH', `/api/users/${lucia.user.id}`, union.headers, {
      grantedComuni: [],
    });
    expect(patched.status).toBe(200);
    expect(comuniOf((await audit(lucia)).entries)).toEqual(['E730']);
  });
});
