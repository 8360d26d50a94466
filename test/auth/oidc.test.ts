// The OIDC login end to end: a real OpenID provider (oidc-provider) in process over http, our Fastify routes, sessions
// in the real Redis, and a scripted browser that follows redirects and completes the provider's login.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
// @ts-expect-error -- oidc-provider ships no types (and @types/oidc-provider is not a dependency)
import { Provider } from 'oidc-provider';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { oidcConfigSchema, type OidcConfigInput } from '../../src/auth/oidc/oidc.config.ts';
import { SESSION_COOKIE, startSession } from '../../src/auth/session-cookie.ts';
import { SessionStore } from '../../src/auth/session.store.ts';
import { SqliteAuthStore } from '../../src/auth/sqlite.auth-store.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';
import path from 'node:path';
import { OIDC_TX_COOKIE, oidcRoutes } from '../../src/auth/oidc/oidc.routes.ts';
import { transactionSealer } from '../../src/auth/oidc/oidc.transaction.ts';
import {
  resolveOidcUser,
  type OidcAuditEntry,
  type OidcStoredUser,
  type OidcUserStore,
} from '../../src/auth/oidc/oidc.users.ts';

const CLIENT_ID = 'faldone';
const CLIENT_SECRET = 'test-client-secret-0123456789';
const REDIRECT_URI = 'http://127.0.0.1:3999/api/auth/oidc/callback';
const FISCAL_CLAIM = 'https://attributes.eid.gov.it/fiscal_number';
const silent = { info() {}, warn() {}, error() {} };

/** Identities at the provider: accountId (= sub) → claims. */
const accounts = new Map<string, Record<string, unknown>>([
  ['sub-mario', { name: 'Mario Rossi', email: 'mario.rossi@comune.example.it', email_verified: true }],
  [
    'sub-giulia',
    {
      given_name: 'Giulia',
      family_name: 'Bianchi',
      [FISCAL_CLAIM]: 'TINIT-BNCGLI85M41H501Z',
      groups: ['faldone-protocollo'],
    },
  ],
  ['sub-nessuno', { name: 'Persona Sconosciuta' }],
]);
let loginAs = 'sub-mario';

class MemoryUsers implements OidcUserStore {
  readonly users = new Map<string, OidcStoredUser & { displayName: string }>();
  add(u: Omit<OidcStoredUser, 'id'> & { displayName?: string }): OidcStoredUser {
    const user = { id: `u${this.users.size + 1}`, displayName: u.username, ...u };
    this.users.set(user.id, user);
    return user;
  }
  getUserByOidcSubject(subject: string) {
    return [...this.users.values()].find((u) => u.oidcSubject === subject) ?? null;
  }
  getUserByUsername(username: string) {
    return [...this.users.values()].find((u) => u.username === username) ?? null;
  }
  setOidcSubject(userId: string, subject: string) {
    this.users.get(userId)!.oidcSubject = subject;
  }
  createUser(input: Parameters<OidcUserStore['createUser']>[0]) {
    return this.add(input);
  }
}

let providerServer: Server;
let issuer: string;
let redis: Redis;
const prefix = `test-oidc-${randomBytes(4).toString('hex')}`;

async function startProvider(): Promise<void> {
  let handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void = () => {};
  providerServer = createServer((req, res) => handler(req, res));
  await new Promise<void>((r) => providerServer.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(providerServer.address() as AddressInfo).port}`;
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...jwk, kid: 'test-key', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: ['provider-cookie-key'] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'groups', FISCAL_CLAIM],
    },
    features: { devInteractions: { enabled: false } },
    findAccount: async (_ctx: unknown, id: string) => {
      const claims = accounts.get(id);
      return claims && { accountId: id, claims: async () => ({ sub: id, ...claims }) };
    },
  });
  provider.on('server_error', (_ctx: unknown, err: Error) => console.error('provider error', err));
  const koa = provider.callback();
  // Our "user at the provider": logs in as `loginAs` and consents to what the client asks.
  handler = (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return void koa(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'login') {
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: loginAs } },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      const grant = new provider.Grant({
        accountId: details.session!.accountId,
        clientId: String(details.params.client_id),
      });
      grant.addOIDCScope(String(details.params.scope));
      await provider.interactionFinished(
        req,
        res,
        { consent: { grantId: await grant.save() } },
        { mergeWithLastSubmission: true },
      );
    })().catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  };
}

/** Follows the provider's redirects like a browser with its own cookie jar, up to the redirect back to Faldone. */
async function browseToCallback(authorizationUrl: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = new URL(authorizationUrl);
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const [name, value] = [pair!.slice(0, eq), pair!.slice(eq + 1)];
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c)) jar.delete(name);
      else jar.set(name, value);
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`provider stopped at ${url.href} with ${res.status}: ${await res.text()}`);
    const next = new URL(location, url);
    if (next.href.startsWith(REDIRECT_URI)) return next;
    url = next;
  }
  throw new Error('too many redirects at the provider');
}

interface World {
  app: FastifyInstance;
  users: MemoryUsers;
  audit: OidcAuditEntry[];
}
const worlds: World[] = [];

/** `rootCookie`: @fastify/cookie registered by the app (as the auth plugin does) rather than by the OIDC routes. */
async function buildWorld(overrides: OidcConfigInput = {}, rootCookie = true): Promise<World> {
  const config = oidcConfigSchema.parse({
    issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    ...overrides,
  });
  const users = new MemoryUsers();
  const audit: OidcAuditEntry[] = [];
  const app = Fastify();
  if (rootCookie) await app.register(fastifyCookie);
  await app.register(
    oidcRoutes({
      config,
      resolveUser: resolveOidcUser(users, config, { audit: async (entry) => void audit.push(entry) }),
      // A small real session: random token in the cookie, sha256(token) → user id in Redis.
      startSession: async (reply, user) => {
        const token = randomBytes(32).toString('base64url');
        await redis.set(`${prefix}:session:${sha256(token)}`, user.id, 'EX', 3600);
        reply.setCookie('faldone_session', token, { httpOnly: true, sameSite: 'strict', path: '/' });
      },
      audit: async (entry) => void audit.push(entry),
      logger: silent,
    }),
    { prefix: '/api' },
  );
  if (rootCookie)
    app.get('/api/whoami', async (req, reply) => {
      const token = req.cookies.faldone_session;
      const id = token ? await redis.get(`${prefix}:session:${sha256(token)}`) : null;
      return id ? { id } : reply.status(401).send({ error: { code: 'UNAUTHENTICATED', message: 'no' } });
    });
  const world = { app, users, audit };
  worlds.push(world);
  return world;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** GET /login, then the provider: the callback URL and the transaction cookie the browser holds. */
async function startLogin(app: FastifyInstance, as: string): Promise<{ callback: URL; txCookie: string }> {
  loginAs = as;
  const res = await app.inject({ method: 'GET', url: '/api/auth/oidc/login' });
  expect(res.statusCode).toBe(302);
  const tx = res.cookies.find((c) => c.name === OIDC_TX_COOKIE);
  expect(tx).toBeDefined();
  return { callback: await browseToCallback(res.headers.location as string), txCookie: tx!.value };
}

function callback(app: FastifyInstance, url: URL, txCookie?: string, accept = 'text/html') {
  return app.inject({
    method: 'GET',
    url: `/api/auth/oidc/callback${url.search}`,
    headers: { accept },
    cookies: txCookie === undefined ? {} : { [OIDC_TX_COOKIE]: txCookie },
  });
}

beforeAll(async () => {
  redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
  await redis.connect();
  await startProvider();
});
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.app.close();
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await new Promise((r) => providerServer.close(r));
});

describe('OIDC login', () => {
  it('sends the browser to the provider with PKCE S256, state and nonce in a short-lived sealed cookie', async () => {
    const { app } = await buildWorld();
    const res = await app.inject({ method: 'GET', url: '/api/auth/oidc/login' });
    expect(res.statusCode).toBe(302);
    const location = new URL(res.headers.location as string);
    expect(location.origin).toBe(issuer);
    const q = location.searchParams;
    expect(q.get('client_id')).toBe(CLIENT_ID);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(q.get('scope')).toBe('openid profile email');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const cookie = res.cookies.find((c) => c.name === OIDC_TX_COOKIE)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/auth/oidc/callback', maxAge: 600 });
    expect(cookie.secure).toBeFalsy(); // the redirect URI is http in this test
    // Sealed: neither the state nor the verifier can be read from it.
    expect(Buffer.from(cookie.value, 'base64url').toString('latin1')).not.toContain(q.get('state')!);
  });

  it('the full code flow logs in a known user: session cookie set, redirect to /, audit recorded', async () => {
    const { app, users, audit } = await buildWorld();
    const mario = users.add({ username: 'mrossi', role: 'archivist', oidcSubject: 'sub-mario', comune: 'E730' });
    const { callback: cb, txCookie } = await startLogin(app, 'sub-mario');
    expect(cb.searchParams.get('code')).toBeTruthy();

    const res = await callback(app, cb, txCookie);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/');
    const session = res.cookies.find((c) => c.name === 'faldone_session');
    expect(session?.value).toBeTruthy();
    const cleared = res.cookies.find((c) => c.name === OIDC_TX_COOKIE);
    expect(cleared?.value).toBe('');
    const me = await app.inject({ method: 'GET', url: '/api/whoami', cookies: { faldone_session: session!.value } });
    expect(me.json()).toEqual({ id: mario.id });
    expect(audit).toEqual([
      expect.objectContaining({ action: 'auth.login', actor: mario.id, role: 'archivist', comune: 'E730' }),
    ]);

    // The same code and transaction once more (a replayed callback) cannot log in again.
    const replay = await callback(app, cb, txCookie);
    expect(replay.statusCode).toBe(400);
    expect(replay.cookies.find((c) => c.name === 'faldone_session')).toBeUndefined();
  });

  it('a callback whose state differs from the transaction is rejected with 400 and no session', async () => {
    const { app, users } = await buildWorld();
    users.add({ username: 'mrossi', role: 'archivist', oidcSubject: 'sub-mario' });
    const { callback: cb, txCookie } = await startLogin(app, 'sub-mario');
    cb.searchParams.set('state', 'not-the-state-we-sent');
    const res = await callback(app, cb, txCookie, 'application/json');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'OIDC_STATE' } });
    expect(res.cookies.find((c) => c.name === 'faldone_session')).toBeUndefined();
  });

  it('a missing, tampered or expired transaction cookie is rejected with 400', async () => {
    const { app, users } = await buildWorld();
    users.add({ username: 'mrossi', role: 'archivist', oidcSubject: 'sub-mario' });
    const { callback: cb, txCookie } = await startLogin(app, 'sub-mario');

    const missing = await callback(app, cb, undefined, 'application/json');
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: { code: 'OIDC_TRANSACTION' } });

    const bytes = Buffer.from(txCookie, 'base64url');
    bytes[20] = bytes[20]! ^ 0x01;
    const tampered = await callback(app, cb, bytes.toString('base64url'), 'application/json');
    expect(tampered.statusCode).toBe(400);
    expect(tampered.json()).toMatchObject({ error: { code: 'OIDC_TRANSACTION' } });

    // Sealed with the right key and the right state, but past its lifetime.
    const sealer = transactionSealer(CLIENT_SECRET, `${issuer}|${CLIENT_ID}`);
    const expired = sealer.seal({
      state: cb.searchParams.get('state')!,
      nonce: 'n',
      codeVerifier: 'v'.repeat(43),
      expiresAt: Date.now() - 1000,
    });
    const late = await callback(app, cb, expired, 'application/json');
    expect(late.statusCode).toBe(400);
    expect(late.json()).toMatchObject({ error: { code: 'OIDC_TRANSACTION' } });

    // A cookie sealed for another provider configuration does not open either.
    const foreign = transactionSealer(CLIENT_SECRET, `https://other.example|${CLIENT_ID}`).seal({
      state: cb.searchParams.get('state')!,
      nonce: 'n',
      codeVerifier: 'v'.repeat(43),
      expiresAt: Date.now() + 60_000,
    });
    expect((await callback(app, cb, foreign)).statusCode).toBe(400);

    // The untouched transaction still completes: the rejections did not consume the code.
    expect((await callback(app, cb, txCookie)).statusCode).toBe(302);
  });

  it('an unknown subject gets the Italian 403 page when auto-provisioning is off', async () => {
    const { app, users, audit } = await buildWorld();
    const { callback: cb, txCookie } = await startLogin(app, 'sub-nessuno');
    const res = await callback(app, cb, txCookie);
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('Utente non abilitato: chiedere all&#39;amministratore');
    expect(res.cookies.find((c) => c.name === 'faldone_session')).toBeUndefined();
    expect(users.users.size).toBe(0);
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'auth.login_failed',
        actor: 'anonymous',
        detail: expect.objectContaining({ reason: 'unknown' }),
      }),
    ]);
  });

  it('a disabled user gets 403 even though the provider authenticated them', async () => {
    const { app, users } = await buildWorld();
    users.add({ username: 'mrossi', role: 'archivist', oidcSubject: 'sub-mario', disabled: true });
    const { callback: cb, txCookie } = await startLogin(app, 'sub-mario');
    const res = await callback(app, cb, txCookie, 'application/json');
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({
      error: { code: 'FORBIDDEN', message: "Utente non abilitato: chiedere all'amministratore" },
    });
  });

  it('with auto-provisioning an unknown subject is created with the default role, once', async () => {
    const { app, users, audit } = await buildWorld({ autoProvision: true });
    const first = await startLogin(app, 'sub-mario');
    expect((await callback(app, first.callback, first.txCookie)).statusCode).toBe(302);
    expect([...users.users.values()]).toEqual([
      expect.objectContaining({
        username: 'mario.rossi@comune.example.it',
        displayName: 'Mario Rossi',
        role: 'professional',
        oidcSubject: 'sub-mario',
      }),
    ]);
    expect(audit.map((a) => a.action)).toEqual(['user.create', 'auth.login']);

    const second = await startLogin(app, 'sub-mario');
    expect((await callback(app, second.callback, second.txCookie)).statusCode).toBe(302);
    expect(users.users.size).toBe(1);
  });

  it('auto-provisioning maps a group claim to a role and matches by codice fiscale from userinfo', async () => {
    const { app, users } = await buildWorld({
      autoProvision: true,
      matchClaim: 'fiscalNumber',
      roleClaim: 'groups',
      roleMap: 'faldone-protocollo=records_manager,faldone-archivio=archivist',
    });
    const { callback: cb, txCookie } = await startLogin(app, 'sub-giulia');
    expect((await callback(app, cb, txCookie)).statusCode).toBe(302);
    expect([...users.users.values()]).toEqual([
      expect.objectContaining({
        username: 'BNCGLI85M41H501Z',
        displayName: 'Giulia Bianchi',
        role: 'records_manager',
        oidcSubject: 'sub-giulia',
      }),
    ]);
  });

  it('matching by codice fiscale links the subject to the existing user at the first login', async () => {
    const { app, users } = await buildWorld({ matchClaim: 'fiscalNumber' });
    const giulia = users.add({ username: 'bncgli85m41h501z', role: 'archivist' });
    const { callback: cb, txCookie } = await startLogin(app, 'sub-giulia');
    const res = await callback(app, cb, txCookie);
    expect(res.statusCode).toBe(302);
    expect(users.users.get(giulia.id)?.oidcSubject).toBe('sub-giulia');
    expect(users.users.size).toBe(1);
  });

  it('a provider that cannot be reached answers 502, and the routes answer 404 when OIDC is not configured', async () => {
    const { app: down } = await buildWorld({ issuer: 'http://127.0.0.1:1' }, false);
    const res = await down.inject({
      method: 'GET',
      url: '/api/auth/oidc/login',
      headers: { accept: 'application/json' },
    });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ error: { code: 'OIDC_UNAVAILABLE' } });

    const { app: off } = await buildWorld({ issuer: undefined }, false);
    expect((await off.inject({ method: 'GET', url: '/api/auth/oidc/login' })).statusCode).toBe(404);
    expect((await off.inject({ method: 'GET', url: '/api/auth/oidc/callback?code=x&state=y' })).statusCode).toBe(404);
  });

  it('wired to the SQLite AuthStore and the Redis SessionStore of src/auth, an OIDC login opens an oidc session', async () => {
    const tmp = await makeTmpDir('faldone-oidc-');
    const store = new SqliteAuthStore(path.join(tmp.dir, 'faldone.db'));
    try {
      const mario = await store.createUser({
        username: 'mario.rossi@comune.example.it',
        displayName: 'Mario Rossi',
        role: 'records_manager',
      });
      const sessions = new SessionStore({ redis, prefix, idleMs: 60_000, absoluteMs: 120_000 });
      const config = oidcConfigSchema.parse({
        issuer,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUri: REDIRECT_URI,
        matchClaim: 'email',
      });
      const resolveUser = resolveOidcUser(store, config);
      const app = Fastify();
      await app.register(fastifyCookie);
      await app.register(
        oidcRoutes({
          config,
          resolveUser,
          startSession: async (reply, user) =>
            void (await startSession(reply.request, reply, { sessions, secureCookies: false }, user, 'oidc')),
          logger: silent,
        }),
        { prefix: '/api' },
      );
      worlds.push({ app, users: new MemoryUsers(), audit: [] });

      const { callback: cb, txCookie } = await startLogin(app, 'sub-mario');
      const res = await callback(app, cb, txCookie);
      expect(res.statusCode).toBe(302);
      const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE)!;
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
      expect(await sessions.getSession(cookie.value)).toMatchObject({ userId: mario.id, method: 'oidc' });
      expect((await store.getUser(mario.id))?.oidcSubject).toBe('sub-mario');
    } finally {
      await store.close();
      await tmp.cleanup();
    }
  });
});
