// First-start administrator and demo users, on a real SQLite auth store.
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootstrapAdmin, DEMO_USERS, ensureDemoUsers } from '../../src/auth/bootstrap.ts';
import { verifyPassword } from '../../src/auth/password.ts';
import { SqliteAuthStore } from '../../src/auth/sqlite.auth-store.ts';
import { createLogger } from '../../src/core/logger.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';

let tmp: { dir: string; cleanup: () => Promise<void> };
let auth: SqliteAuthStore;
let lines: Array<{ level: number; msg: string }>;
const logger = () =>
  createLogger(
    'info',
    'test',
    new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );

beforeEach(async () => {
  tmp = await makeTmpDir('faldone-boot-');
  auth = new SqliteAuthStore(path.join(tmp.dir, 'faldone.db'));
  lines = [];
});
afterEach(async () => {
  await auth.close();
  await tmp.cleanup();
});

describe('bootstrap', () => {
  it('creates admin with FALDONE_ADMIN_PASSWORD once, and never again when users exist', async () => {
    const admin = await bootstrapAdmin(auth, { adminPassword: 'password-da-env', logger: logger() });
    expect(admin).toMatchObject({ username: 'admin', role: 'admin', disabled: false, comune: null, grantedComuni: [] });
    expect(await verifyPassword('password-da-env', admin!.passwordHash!)).toBe(true);
    expect(lines.map((l) => l.msg).join()).not.toContain('password-da-env');
    expect(await bootstrapAdmin(auth, { adminPassword: 'altra-password', logger: logger() })).toBeNull();
    expect(await auth.countUsers()).toBe(1);
  });

  it('without FALDONE_ADMIN_PASSWORD, logs a random password once as a warning, and it works', async () => {
    const admin = await bootstrapAdmin(auth, { logger: logger() });
    const warning = lines.find((l) => l.level === 40);
    const password = /random password (\S+)/.exec(warning?.msg ?? '')?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(await verifyPassword(password!, admin!.passwordHash!)).toBe(true);
  });

  it('creates the demo users, and resets their passwords and roles when run again', async () => {
    await ensureDemoUsers(auth);
    const protocollo = (await auth.getUserByUsername('protocollo'))!;
    await auth.updateUser(protocollo.id, { role: 'professional', disabled: true, passwordHash: 'x' });
    const users = await ensureDemoUsers(auth);
    expect(users.map((u) => [u.username, u.role, u.disabled])).toEqual([
      ['admin', 'admin', false],
      ['archivista', 'archivist', false],
      ['protocollo', 'records_manager', false],
      ['professionista', 'professional', false],
    ]);
    for (const demo of DEMO_USERS) {
      const u = (await auth.getUserByUsername(demo.username))!;
      expect(await verifyPassword(demo.password, u.passwordHash!), demo.username).toBe(true);
    }
    expect(await auth.countUsers()).toBe(4);
  });

  it('puts the demo staff in the given Comune, the administrator and the professional at union level', async () => {
    await ensureDemoUsers(auth);
    const archivista = (await auth.getUserByUsername('archivista'))!;
    await auth.updateUser(archivista.id, { comune: 'A547', grantedComuni: ['H199'] });
    const users = await ensureDemoUsers(auth, { staffComune: 'E730' });
    expect(users.map((u) => [u.username, u.comune, u.grantedComuni])).toEqual([
      ['admin', null, []],
      ['archivista', 'E730', []],
      ['protocollo', 'E730', []],
      ['professionista', null, []],
    ]);
  });
});
