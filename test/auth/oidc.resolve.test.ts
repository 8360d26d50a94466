// OIDC configuration parsing, the login-transaction seal, and how a provider identity is matched to a Faldone user.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthStore, User } from '../../src/auth/auth-store.ts';
import { SqliteAuthStore } from '../../src/auth/sqlite.auth-store.ts';
import {
  OIDC_ENV_MAP,
  oidcConfigSchema,
  oidcPublicConfig,
  type OidcConfigInput,
} from '../../src/auth/oidc/oidc.config.ts';
import type { OidcClaims } from '../../src/auth/oidc/oidc.client.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';
import { transactionSealer } from '../../src/auth/oidc/oidc.transaction.ts';
import {
  fiscalNumberClaim,
  resolveOidcUser,
  type OidcStoredUser,
  type OidcUserStore,
} from '../../src/auth/oidc/oidc.users.ts';

const base = {
  issuer: 'https://idp.comune.example.it/realms/faldone',
  clientId: 'faldone',
  clientSecret: 'a-long-enough-client-secret',
  redirectUri: 'https://faldone.comune.example.it/api/auth/oidc/callback',
};
const parse = (over: OidcConfigInput = {}) => oidcConfigSchema.parse({ ...base, ...over });

/** An async store, as a PostgreSQL-backed one would be. */
class Users implements OidcUserStore {
  readonly all: (OidcStoredUser & { displayName?: string })[] = [];
  add(u: Omit<OidcStoredUser, 'id'>): OidcStoredUser {
    const user = { id: `u${this.all.length + 1}`, ...u };
    this.all.push(user);
    return user;
  }
  async getUserByOidcSubject(s: string) {
    return this.all.find((u) => u.oidcSubject === s) ?? null;
  }
  async getUserByUsername(n: string) {
    return this.all.find((u) => u.username === n) ?? null;
  }
  async setOidcSubject(id: string, s: string) {
    this.all.find((u) => u.id === id)!.oidcSubject = s;
  }
  async createUser(input: Parameters<OidcUserStore['createUser']>[0]) {
    return this.add(input);
  }
}
const claims = (c: Record<string, unknown> & { sub: string }): OidcClaims => c;
/** Compile-time: the AuthStore of src/auth is usable as the OIDC user store without an adapter. */
export const authStoreFits = (store: AuthStore): OidcUserStore<User> => store;

describe('OIDC configuration', () => {
  it('is disabled without an issuer and fills the documented defaults', () => {
    const off = oidcConfigSchema.parse({});
    expect(oidcPublicConfig(off)).toEqual({ enabled: false, label: 'SPID/CIE' });
    expect(parse()).toMatchObject({
      scopes: 'openid profile email',
      matchClaim: 'sub',
      autoProvision: false,
      defaultRole: 'professional',
      roleMap: {},
    });
    expect(oidcPublicConfig(parse()).enabled).toBe(true);
  });

  it('parses environment strings and refuses unsafe or incomplete settings', () => {
    expect(
      parse({ autoProvision: 'yes', roleMap: 'g-admin=admin, g-arch=archivist' } as OidcConfigInput),
    ).toMatchObject({
      autoProvision: true,
      roleMap: { 'g-admin': 'admin', 'g-arch': 'archivist' },
    });
    expect(parse({ roleMap: '{"g":"records_manager"}' }).roleMap).toEqual({ g: 'records_manager' });
    expect(() => parse({ roleMap: 'g=superuser' })).toThrow();
    expect(() => parse({ defaultRole: 'admin' as never })).toThrow(); // provisioning never defaults to admin
    expect(() => parse({ issuer: 'http://idp.comune.example.it' })).toThrow(/https/);
    expect(parse({ issuer: 'http://127.0.0.1:8080/realms/x' }).issuer).toBe('http://127.0.0.1:8080/realms/x');
    expect(() => parse({ scopes: 'profile email' })).toThrow(/openid/);
    expect(() => oidcConfigSchema.parse({ issuer: base.issuer })).toThrow(/clientId/);
    expect(() => parse({ clientSecret: 'short' })).toThrow();
  });

  it('maps every OIDC_* variable onto auth.oidc', () => {
    for (const name of [
      'OIDC_ISSUER',
      'OIDC_CLIENT_ID',
      'OIDC_CLIENT_SECRET',
      'OIDC_REDIRECT_URI',
      'OIDC_MATCH_CLAIM',
    ]) {
      expect(OIDC_ENV_MAP[name]).toMatch(/^auth\.oidc\./);
    }
    expect(OIDC_ENV_MAP.OIDC_AUTO_PROVISION).toBe('auth.oidc.autoProvision');
    expect(OIDC_ENV_MAP.OIDC_DEFAULT_ROLE).toBe('auth.oidc.defaultRole');
    expect(OIDC_ENV_MAP.OIDC_LABEL).toBe('auth.oidc.label');
  });
});

describe('login transaction seal', () => {
  const tx = {
    state: 's'.repeat(43),
    nonce: 'n'.repeat(43),
    codeVerifier: 'v'.repeat(43),
    expiresAt: Date.now() + 60_000,
  };

  it('opens only with the same secret and context, and only before it expires', () => {
    const sealer = transactionSealer(base.clientSecret, 'ctx');
    const sealed = sealer.seal(tx);
    expect(sealer.open(sealed)).toEqual({ ok: true, tx });
    expect(sealer.seal(tx)).not.toBe(sealed); // fresh IV each time
    expect(transactionSealer('another-secret-of-some-length', 'ctx').open(sealed)).toEqual({
      ok: false,
      reason: 'tampered',
    });
    expect(transactionSealer(base.clientSecret, 'other').open(sealed)).toEqual({ ok: false, reason: 'tampered' });
    expect(sealer.open(sealed, tx.expiresAt)).toEqual({ ok: false, reason: 'expired' });
    expect(sealer.open(sealed.slice(0, 20))).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('resolveOidcUser', () => {
  it('reads the codice fiscale from SPID, CIE and plain claim names', () => {
    expect(fiscalNumberClaim(claims({ sub: 'x', fiscalNumber: 'TINIT-RSSMRA80A01H501U' }))).toBe('RSSMRA80A01H501U');
    expect(
      fiscalNumberClaim(claims({ sub: 'x', 'https://attributes.eid.gov.it/fiscal_number': 'tinit-rssmra80a01h501u' })),
    ).toBe('RSSMRA80A01H501U');
    expect(fiscalNumberClaim(claims({ sub: 'x', fiscal_number: 'not a cf!' }))).toBeUndefined();
  });

  it('links an e-mail match only when the e-mail is not declared unverified', async () => {
    const users = new Users();
    const anna = users.add({ username: 'anna@comune.example.it', role: 'archivist' });
    const resolve = resolveOidcUser(users, parse({ matchClaim: 'email' }));
    expect(await resolve(claims({ sub: 's1', email: 'Anna@Comune.example.it', email_verified: false }))).toBeNull();
    expect(anna.oidcSubject).toBeUndefined();
    expect(await resolve(claims({ sub: 's1', email: 'Anna@Comune.example.it' }))).toMatchObject({ id: anna.id });
    expect(anna.oidcSubject).toBe('s1');
    // Afterwards the subject alone finds her, whatever the e-mail says now.
    expect(await resolve(claims({ sub: 's1', email: 'nuova@altrove.example.it' }))).toMatchObject({ id: anna.id });
  });

  it('never moves a user linked to one identity onto another that claims the same e-mail', async () => {
    const users = new Users();
    const anna = users.add({ username: 'anna@comune.example.it', role: 'archivist', oidcSubject: 's1' });
    const resolve = resolveOidcUser(users, parse({ matchClaim: 'email', autoProvision: true }));
    expect(await resolve(claims({ sub: 's2', email: 'anna@comune.example.it' }))).toBeNull();
    expect(anna.oidcSubject).toBe('s1');
    expect(users.all).toHaveLength(1);
  });

  it('provisions with the most privileged mapped role, and never reuses a taken username in sub mode', async () => {
    const users = new Users();
    users.add({ username: 'mrossi', role: 'archivist' });
    const audit: string[] = [];
    const resolve = resolveOidcUser(
      users,
      parse({
        autoProvision: true,
        roleClaim: 'groups',
        roleMap: { 'g-prof': 'professional', 'g-prot': 'records_manager', 'g-arch': 'archivist' },
      }),
      { audit: async (e) => void audit.push(`${e.action}:${e.targetId}`) },
    );
    const created = await resolve(
      claims({ sub: 'abc', preferred_username: 'MRossi', groups: ['g-prof', 'g-prot', 'g-arch'], name: 'Mario Rossi' }),
    );
    expect(created).toMatchObject({ role: 'records_manager', oidcSubject: 'abc' });
    expect(created!.username).toMatch(/^mrossi-[0-9a-f]{10}$/);
    expect(users.all[0]!.oidcSubject).toBeUndefined(); // the existing mrossi was not touched
    expect(audit).toEqual([`user.create:${created!.id}`]);
    const plain = await resolve(claims({ sub: 'def', groups: 'g-unknown' }));
    expect(plain).toMatchObject({ role: 'professional' });
    expect(plain!.username).toMatch(/^oidc-[0-9a-f]{10}$/);
  });

  it('refuses identities without the match claim', async () => {
    const resolve = resolveOidcUser(new Users(), parse({ matchClaim: 'fiscalNumber', autoProvision: true }));
    expect(await resolve(claims({ sub: 'x', email: 'a@b.it' }))).toBeNull();
  });
});

describe('resolveOidcUser on the SQLite AuthStore', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let store: SqliteAuthStore;
  beforeAll(async () => {
    tmp = await makeTmpDir('faldone-oidc-');
    store = new SqliteAuthStore(path.join(tmp.dir, 'faldone.db'));
  });
  afterAll(async () => {
    await store.close();
    await tmp.cleanup();
  });

  it('links by codice fiscale whatever its case as a username, and provisions password-less users', async () => {
    const giulia = await store.createUser({ username: 'bncgli85m41h501z', displayName: 'Giulia', role: 'archivist' });
    const byCf = resolveOidcUser(store, parse({ matchClaim: 'fiscalNumber', autoProvision: true }));
    expect(await byCf(claims({ sub: 'g1', fiscal_number: 'TINIT-BNCGLI85M41H501Z' }))).toMatchObject({ id: giulia.id });
    expect((await store.getUser(giulia.id))?.oidcSubject).toBe('g1');
    const luca = await byCf(claims({ sub: 'l1', fiscalNumber: 'VRDLCU70A01F205X', name: 'Luca Verdi' }));
    expect(luca).toMatchObject({
      username: 'VRDLCU70A01F205X',
      role: 'professional',
      passwordHash: null,
      oidcSubject: 'l1',
    });
  });

  it('provisions staff in the configured Comune and professionals at union level, and audits under that Comune', async () => {
    const audited: Array<[string, string | null | undefined]> = [];
    const resolve = resolveOidcUser(
      store,
      parse({ autoProvision: true, roleClaim: 'groups', roleMap: { 'g-arch': 'archivist' } }),
      { staffComune: 'E730', audit: async (e) => void audited.push([e.action, e.comune]) },
    );
    const staff = await resolve(claims({ sub: 'staff-1', groups: ['g-arch'], preferred_username: 'archi' }));
    expect(staff).toMatchObject({ role: 'archivist', comune: 'E730', grantedComuni: [] });
    const pro = await resolve(claims({ sub: 'pro-1', preferred_username: 'profe' }));
    expect(pro).toMatchObject({ role: 'professional', comune: null });
    expect(audited).toEqual([
      ['user.create', 'E730'],
      ['user.create', null],
    ]);
  });

  it('two simultaneous first logins of one identity create one user and both get it', async () => {
    const resolve = resolveOidcUser(store, parse({ autoProvision: true }));
    const identity = claims({ sub: 'same-sub', email: 'doppio@comune.example.it' });
    const [a, b] = await Promise.all([resolve(identity), resolve(identity)]);
    expect(a?.id).toBeDefined();
    expect(b?.id).toBe(a?.id);
    expect((await store.listUsers()).filter((u) => u.oidcSubject === 'same-sub')).toHaveLength(1);
  });
});
