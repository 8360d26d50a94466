// Login sessions in Redis: the cookie carries a random 32-byte token, Redis keeps only its SHA-256 under
// `<prefix>:session:<hash>` with a sliding idle TTL capped by an absolute lifetime, plus a per-user set of session
// hashes so that a password change or a disabled account ends every session of that user.
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export type SessionMethod = 'session' | 'oidc';

export interface SessionData {
  userId: string;
  csrfToken: string;
  method: SessionMethod;
  createdAt: number;
  /** Epoch ms after which the session is gone whatever the activity. */
  expiresAt: number;
}

export interface SessionStoreOptions {
  redis: Redis;
  prefix: string;
  idleMs: number;
  absoluteMs: number;
}

export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');

export class SessionStore {
  constructor(private readonly opts: SessionStoreOptions) {}

  private key(hash: string): string {
    return `${this.opts.prefix}:session:${hash}`;
  }

  private userKey(userId: string): string {
    return `${this.opts.prefix}:user-sessions:${userId}`;
  }

  /** A new session for the user: the cookie token and the CSRF token the UI sends back on unsafe requests. */
  async createSession(
    user: { id: string },
    method: SessionMethod = 'session',
  ): Promise<{ token: string; csrfToken: string }> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const now = Date.now();
    const data: SessionData = {
      userId: user.id,
      csrfToken,
      method,
      createdAt: now,
      expiresAt: now + this.opts.absoluteMs,
    };
    const hash = sha256Hex(token);
    await this.opts.redis
      .multi()
      .set(this.key(hash), JSON.stringify(data), 'PX', Math.min(this.opts.idleMs, this.opts.absoluteMs))
      .sadd(this.userKey(user.id), hash)
      .pexpire(this.userKey(user.id), this.opts.absoluteMs)
      .exec();
    return { token, csrfToken };
  }

  /** The live session of a token, its idle timer restarted; null when unknown, expired or malformed. */
  async getSession(token: string): Promise<SessionData | null> {
    if (!token || token.length > 200) return null;
    const key = this.key(sha256Hex(token));
    const raw = await this.opts.redis.get(key);
    if (!raw) return null;
    let data: SessionData;
    try {
      data = JSON.parse(raw) as SessionData;
    } catch {
      await this.opts.redis.del(key);
      return null;
    }
    const left = data.expiresAt - Date.now();
    if (left <= 0) {
      await this.destroy(token);
      return null;
    }
    await this.opts.redis.pexpire(key, Math.min(this.opts.idleMs, left));
    return data;
  }

  async destroy(token: string): Promise<void> {
    const hash = sha256Hex(token);
    const raw = await this.opts.redis.get(this.key(hash));
    const multi = this.opts.redis.multi().del(this.key(hash));
    if (raw) {
      try {
        multi.srem(this.userKey((JSON.parse(raw) as SessionData).userId), hash);
      } catch {
        // A malformed session has no user to unlink from.
      }
    }
    await multi.exec();
  }

  /** Ends every session of a user; returns how many were live. */
  async destroyForUser(userId: string): Promise<number> {
    const hashes = await this.opts.redis.smembers(this.userKey(userId));
    const multi = this.opts.redis.multi();
    if (hashes.length) multi.del(...hashes.map((h) => this.key(h)));
    multi.del(this.userKey(userId));
    const results = await multi.exec();
    return hashes.length ? Number(results?.[0]?.[1] ?? 0) : 0;
  }
}
