import { describe, expect, it } from 'vitest';
import { hashPassword, verifyDecoy, verifyPassword } from '../../src/auth/password.ts';

describe('password hashing', () => {
  it('stores scrypt N=2^15 r=8 p=1 with a 16-byte salt and a 32-byte hash', async () => {
    const stored = await hashPassword('correct horse');
    const [alg, n, r, p, salt, hash] = stored.split('$');
    expect([alg, n, r, p]).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(Buffer.from(hash!, 'base64')).toHaveLength(32);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('pàssword-è-lunga');
    expect(await verifyPassword('pàssword-è-lunga', stored)).toBe(true);
    expect(await verifyPassword('password-e-lunga', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash, so the same password never gives the same string', async () => {
    const [a, b] = await Promise.all([hashPassword('uguale'), hashPassword('uguale')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('uguale', a)).toBe(true);
    expect(await verifyPassword('uguale', b)).toBe(true);
  });

  it('answers false, never throws, for malformed or foreign hashes', async () => {
    for (const bad of [
      '',
      'plain',
      'bcrypt$x',
      'scrypt$32768$8$1$$',
      'scrypt$abc$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==',
    ]) {
      expect(await verifyPassword('x', bad)).toBe(false);
    }
  });

  it('spends the time of one verification for an unknown user', async () => {
    await verifyDecoy('warm-up');
    const t0 = performance.now();
    expect(await verifyDecoy('qualunque')).toBe(false);
    const decoy = performance.now() - t0;
    const stored = await hashPassword('vera');
    const t1 = performance.now();
    await verifyPassword('falsa', stored);
    const real = performance.now() - t1;
    expect(decoy).toBeGreaterThan(real / 4);
  });
});
