// Sessions on the real Redis (unique key prefix per test file, deleted afterwards).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/core/redis.ts';
import { SessionStore, sha256Hex } from '../../src/auth/session.store.ts';

const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `test-${randomUUID().slice(0, 8)}`;
const store = (idleMs = 60_000, absoluteMs = 3_600_000) => new SessionStore({ redis, prefix, idleMs, absoluteMs });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  await redis.ping();
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('session store', () => {
  it('keeps only the SHA-256 of the token in Redis, under the configured prefix, with the CSRF token', async () => {
    const sessions = store();
    const { token, csrfToken } = await sessions.createSession({ id: 'user-1' });
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(csrfToken).not.toBe(token);
    const keys = await redis.keys(`${prefix}:session:*`);
    expect(keys).toContain(`${prefix}:session:${sha256Hex(token)}`);
    expect(keys.some((k) => k.includes(token))).toBe(false);
    expect(await sessions.getSession(token)).toMatchObject({ userId: 'user-1', csrfToken, method: 'session' });
    expect(await sessions.getSession('non-esiste')).toBeNull();
  });

  it('slides the idle timeout on use and ends the session when idle too long', async () => {
    const sessions = store(600);
    const { token } = await sessions.createSession({ id: 'user-2' });
    for (let i = 0; i < 4; i++) {
      await sleep(300);
      expect(await sessions.getSession(token)).not.toBeNull(); // 1.2 s in total, each gap under the 600 ms idle limit
    }
    await sleep(800);
    expect(await sessions.getSession(token)).toBeNull();
  });

  it('ends a session at its absolute lifetime however active it is', async () => {
    const sessions = store(60_000, 700);
    const { token } = await sessions.createSession({ id: 'user-3' }, 'oidc');
    expect(await sessions.getSession(token)).toMatchObject({ method: 'oidc' });
    const ttl = await redis.pttl(`${prefix}:session:${sha256Hex(token)}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(700);
    for (let i = 0; i < 3; i++) {
      await sleep(200);
      await sessions.getSession(token);
    }
    await sleep(300);
    expect(await sessions.getSession(token)).toBeNull();
  });

  it('logs out one session, or every session of a user', async () => {
    const sessions = store();
    const a = await sessions.createSession({ id: 'user-4' });
    const b = await sessions.createSession({ id: 'user-4' });
    const c = await sessions.createSession({ id: 'user-4' });
    const other = await sessions.createSession({ id: 'user-5' });
    await sessions.destroy(a.token);
    expect(await sessions.getSession(a.token)).toBeNull();
    expect(await sessions.getSession(b.token)).not.toBeNull();
    expect(await sessions.destroyForUser('user-4')).toBe(2);
    expect(await sessions.getSession(b.token)).toBeNull();
    expect(await sessions.getSession(c.token)).toBeNull();
    expect(await sessions.getSession(other.token)).not.toBeNull();
    expect(await sessions.destroyForUser('user-4')).toBe(0);
  });
});
