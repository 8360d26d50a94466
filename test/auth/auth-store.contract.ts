// The behaviour every AuthStore adapter must have; each adapter's test file calls authStoreContract with a factory
// that opens a fresh store (its own file or schema) and can reopen it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OidcSubjectTakenError, UsernameTakenError, type AuthStore } from '../../src/auth/auth-store.ts';

export interface AuthHarness {
  store: AuthStore;
  /** Another store on the same data, as a second process would open it. */
  reopen: () => Promise<AuthStore>;
  cleanup: () => Promise<void>;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const hash = (c: string) => c.repeat(64).slice(0, 64);

export function authStoreContract(name: string, open: () => Promise<AuthHarness>): void {
  describe(`AuthStore contract: ${name}`, () => {
    let h: AuthHarness;
    let store: AuthStore;
    beforeEach(async () => {
      h = await open();
      store = h.store;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('creates users with unique, case-insensitive usernames and reads them back by id, name and subject', async () => {
      const anna = await store.createUser({
        username: 'ARossi',
        displayName: 'Anna Rossi',
        role: 'archivist',
        passwordHash: 'scrypt$x',
      });
      expect(anna).toEqual({
        id: expect.stringMatching(UUID),
        username: 'ARossi',
        displayName: 'Anna Rossi',
        role: 'archivist',
        passwordHash: 'scrypt$x',
        oidcSubject: null,
        disabled: false,
        comune: null,
        grantedComuni: [],
        createdAt: expect.stringMatching(ISO),
        updatedAt: anna.createdAt,
      });
      await expect(
        store.createUser({ username: 'arossi', displayName: 'Altra', role: 'admin' }),
      ).rejects.toBeInstanceOf(UsernameTakenError);
      expect(await store.getUser(anna.id)).toStrictEqual(anna);
      expect(await store.getUserByUsername('AROSSI')).toStrictEqual(anna);
      expect(await store.getUserByUsername('nessuno')).toBeNull();
      expect(await store.getUser('00000000-0000-4000-8000-000000000000')).toBeNull();

      const spid = await store.createUser({
        username: 'luca',
        displayName: 'Luca',
        role: 'professional',
        oidcSubject: 'TINIT-LCU',
      });
      expect(spid.passwordHash).toBeNull();
      expect(await store.getUserByOidcSubject('TINIT-LCU')).toStrictEqual(spid);
      await expect(
        store.createUser({ username: 'luca2', displayName: 'Luca 2', role: 'professional', oidcSubject: 'TINIT-LCU' }),
      ).rejects.toBeInstanceOf(OidcSubjectTakenError);
      expect((await store.listUsers()).map((u) => u.username)).toEqual(['ARossi', 'luca']);
      expect(await store.countUsers()).toBe(2);
    });

    it('updates role, name, password and disabled, and links or unlinks an OIDC subject', async () => {
      const u = await store.createUser({
        username: 'mverdi',
        displayName: 'M. Verdi',
        role: 'professional',
        passwordHash: 'a',
      });
      const other = await store.createUser({
        username: 'altro',
        displayName: 'Altro',
        role: 'admin',
        oidcSubject: 'sub-altro',
      });
      const changed = await store.updateUser(u.id, {
        role: 'records_manager',
        displayName: 'Maria Verdi',
        passwordHash: 'b',
        disabled: true,
      });
      expect(changed).toMatchObject({
        role: 'records_manager',
        displayName: 'Maria Verdi',
        passwordHash: 'b',
        disabled: true,
      });
      expect(changed!.updatedAt >= u.updatedAt).toBe(true);
      expect(await store.updateUser(u.id, { disabled: false })).toMatchObject({
        disabled: false,
        role: 'records_manager',
      });
      expect(await store.updateUser(u.id, { passwordHash: null })).toMatchObject({ passwordHash: null });
      expect(await store.updateUser('00000000-0000-4000-8000-000000000000', { role: 'admin' })).toBeNull();

      expect(await store.setOidcSubject(u.id, 'sub-mverdi')).toMatchObject({ oidcSubject: 'sub-mverdi' });
      expect((await store.getUserByOidcSubject('sub-mverdi'))?.id).toBe(u.id);
      await expect(store.setOidcSubject(u.id, 'sub-altro')).rejects.toBeInstanceOf(OidcSubjectTakenError);
      expect(await store.setOidcSubject(u.id, null)).toMatchObject({ oidcSubject: null });
      expect(await store.getUserByOidcSubject('sub-mverdi')).toBeNull();
      expect((await store.getUser(other.id))!.oidcSubject).toBe('sub-altro');
    });

    it('keeps a home Comune and distinct grants for staff, none for professionals or union-level users', async () => {
      const anna = await store.createUser({
        username: 'anna',
        displayName: 'Anna',
        role: 'archivist',
        comune: 'E730',
        grantedComuni: ['H199', 'A547', 'A547', 'E730'],
      });
      expect(anna).toMatchObject({ comune: 'E730', grantedComuni: ['A547', 'H199'] });
      expect(await store.getUser(anna.id)).toStrictEqual(anna);
      const pro = await store.createUser({
        username: 'pro',
        displayName: 'Pro',
        role: 'professional',
        comune: 'E730',
        grantedComuni: ['A547'],
      });
      expect(pro).toMatchObject({ comune: null, grantedComuni: [] });
      const union = await store.createUser({
        username: 'unione',
        displayName: 'Unione',
        role: 'admin',
        comune: null,
        grantedComuni: ['A547'],
      });
      expect(union).toMatchObject({ comune: null, grantedComuni: [] });

      // A patch of other fields leaves the tenancy alone; a role change keeps it for staff.
      expect(await store.updateUser(anna.id, { displayName: 'Anna B.', role: 'records_manager' })).toMatchObject({
        comune: 'E730',
        grantedComuni: ['A547', 'H199'],
      });
      expect(await store.updateUser(anna.id, { comune: 'A547' })).toMatchObject({
        comune: 'A547',
        grantedComuni: ['H199'],
      });
      expect(await store.updateUser(anna.id, { grantedComuni: ['E730'] })).toMatchObject({
        comune: 'A547',
        grantedComuni: ['E730'],
      });
      // Becoming a professional clears both; a professional given a Comune stays without one.
      expect(await store.updateUser(anna.id, { role: 'professional' })).toMatchObject({
        comune: null,
        grantedComuni: [],
      });
      expect(await store.updateUser(anna.id, { comune: 'E730', grantedComuni: ['A547'] })).toMatchObject({
        comune: null,
        grantedComuni: [],
      });
      expect(
        await store.updateUser(anna.id, { role: 'archivist', comune: 'E730', grantedComuni: ['A547'] }),
      ).toMatchObject({ role: 'archivist', comune: 'E730', grantedComuni: ['A547'] });
      // Moved to union level, the grants go.
      expect(await store.updateUser(anna.id, { comune: null })).toMatchObject({ comune: null, grantedComuni: [] });
      expect(await store.updateUser(pro.id, { role: 'archivist', comune: 'H199' })).toMatchObject({
        role: 'archivist',
        comune: 'H199',
        grantedComuni: [],
      });

      await store.createToken({ tokenHash: hash('t'), userId: pro.id, label: 'x' });
      expect((await store.resolveToken(hash('t')))?.user).toMatchObject({ comune: 'H199', grantedComuni: [] });
      expect((await store.listUsers()).map((u) => [u.username, u.comune])).toEqual([
        ['anna', null],
        ['pro', 'H199'],
        ['unione', null],
      ]);
    });

    it('resolves API tokens by hash until revoked, and lists them per user', async () => {
      const u = await store.createUser({ username: 'script', displayName: 'Script', role: 'archivist' });
      const t1 = await store.createToken({ tokenHash: hash('a'), userId: u.id, label: 'importazione notturna' });
      const t2 = await store.createToken({ tokenHash: hash('b'), userId: u.id, label: 'test' });
      expect(t1).toEqual({
        id: expect.stringMatching(UUID),
        userId: u.id,
        label: 'importazione notturna',
        createdAt: expect.stringMatching(ISO),
        lastUsedAt: null,
        revokedAt: null,
      });
      const resolved = await store.resolveToken(hash('a'));
      expect(resolved?.user).toStrictEqual(u);
      expect(resolved?.token.lastUsedAt).toMatch(ISO);
      expect(await store.resolveToken(hash('c'))).toBeNull();
      expect(await store.revokeToken(t1.id)).toBe(true);
      expect(await store.revokeToken(t1.id)).toBe(false);
      expect(await store.resolveToken(hash('a'))).toBeNull();
      expect((await store.resolveToken(hash('b')))?.token.id).toBe(t2.id);
      const list = await store.listTokens(u.id);
      // Same-millisecond tokens have no defined order between them: compare as a set.
      expect(list.map((t) => [t.label, t.revokedAt === null]).sort()).toEqual([
        ['importazione notturna', false],
        ['test', true],
      ]);
    });

    it('appends audit entries and lists them newest first with filters and the total', async () => {
      const base = Date.parse('2026-03-01T10:00:00.000Z');
      const at = (min: number) => new Date(base + min * 60_000).toISOString();
      await store.appendAudit({
        at: at(0),
        actor: 'u1',
        actorName: 'anna',
        role: 'admin',
        action: 'auth.login',
        ip: '10.0.0.1',
      });
      await store.appendAudit({
        at: at(1),
        actor: 'u2',
        actorName: 'paolo',
        role: 'records_manager',
        action: 'routing.correct',
        targetType: 'document',
        targetId: 'doc-1',
        detail: { office: 'tributi', note: 'avviso IMU' },
      });
      await store.appendAudit({
        at: at(2),
        actor: 'u2',
        actorName: 'paolo',
        action: 'document.view',
        targetType: 'document',
        targetId: 'doc-1',
      });
      const last = await store.appendAudit({
        at: at(3),
        actor: 'anonymous',
        action: 'auth.login_failed',
        detail: { username: 'x' },
      });
      expect(last).toEqual({
        id: expect.any(Number),
        at: at(3),
        actor: 'anonymous',
        actorName: null,
        role: null,
        action: 'auth.login_failed',
        targetType: null,
        targetId: null,
        detail: { username: 'x' },
        ip: null,
        comune: null,
      });

      const all = await store.listAudit();
      expect(all.total).toBe(4);
      expect(all.entries.map((e) => e.action)).toEqual([
        'auth.login_failed',
        'document.view',
        'routing.correct',
        'auth.login',
      ]);
      expect(all.entries[2]).toMatchObject({
        role: 'records_manager',
        detail: { office: 'tributi', note: 'avviso IMU' },
      });

      const byActor = await store.listAudit({ actor: 'paolo' });
      expect(byActor.total).toBe(2);
      expect((await store.listAudit({ actor: 'u2' })).total).toBe(2);
      expect((await store.listAudit({ action: 'routing.correct' })).entries.map((e) => e.targetId)).toEqual(['doc-1']);
      expect((await store.listAudit({ targetId: 'doc-1' })).total).toBe(2);
      const window = await store.listAudit({ since: at(1), until: '2026-03-01T11:02:00+01:00' });
      expect(window.entries.map((e) => e.action)).toEqual(['document.view', 'routing.correct']);
      const page = await store.listAudit({ limit: 1, offset: 1 });
      expect(page).toMatchObject({ total: 4, entries: [{ action: 'document.view' }] });
    });

    it('records the Comune of audit entries and filters by a list of Comuni, union-level entries apart', async () => {
      const base = Date.parse('2026-04-01T08:00:00.000Z');
      const at = (min: number) => new Date(base + min * 60_000).toISOString();
      await store.appendAudit({ at: at(0), actor: 'u1', action: 'document.view', comune: 'E730', targetId: 'd1' });
      await store.appendAudit({ at: at(1), actor: 'u2', action: 'document.view', comune: 'A547', targetId: 'd2' });
      await store.appendAudit({ at: at(2), actor: 'u3', action: 'user.create', comune: null });
      await store.appendAudit({ at: at(3), actor: 'u1', action: 'batch.upload', comune: 'E730' });
      const none = await store.appendAudit({ at: at(4), actor: 'anonymous', action: 'auth.login_failed' });
      expect(none.comune).toBeNull();

      const lugo = await store.listAudit({ comuni: ['E730'] });
      expect(lugo.total).toBe(2);
      expect(lugo.entries.map((e) => [e.action, e.comune])).toEqual([
        ['batch.upload', 'E730'],
        ['document.view', 'E730'],
      ]);
      const both = await store.listAudit({ comuni: ['E730', 'A547', 'E730'] });
      expect(both.entries.map((e) => e.targetId ?? e.action)).toEqual(['batch.upload', 'd2', 'd1']);
      expect(await store.listAudit({ comuni: [] })).toEqual({ entries: [], total: 0 });
      expect((await store.listAudit({ comuni: ['E730'], action: 'document.view' })).entries).toMatchObject([
        { targetId: 'd1' },
      ]);
      expect((await store.listAudit({ comuni: ['E730'], limit: 1, offset: 1 })).entries).toMatchObject([
        { targetId: 'd1' },
      ]);
      expect((await store.listAudit()).total).toBe(5);
    });

    it('keeps its data for another opener, without migrating again', async () => {
      const u = await store.createUser({ username: 'resta', displayName: 'Resta', role: 'admin' });
      await store.appendAudit({ actor: u.id, action: 'user.create' });
      const again = await h.reopen();
      expect(await again.getUserByUsername('resta')).toStrictEqual(u);
      expect((await again.listAudit()).total).toBe(1);
    });
  });
}
