// Password hashing with node:crypto scrypt (N=2^15, r=8, p=1, 16-byte random salt), stored as
// `scrypt$32768$8$1$<salt b64>$<hash b64>` so that the parameters can be raised later without breaking old hashes.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAXMEM = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, opts: ScryptOptions, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, length, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, { N, r: R, p: P, maxmem: MAXMEM }, KEY_LENGTH);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Whether `password` matches `stored`; false (never a throw) for a malformed or foreign hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![n, r, p].every((x) => Number.isInteger(x) && x > 0) || n > 2 ** 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (salt.length < 8 || expected.length < 16) return false;
  const actual = await derive(password, salt, { N: n, r, p, maxmem: Math.max(MAXMEM, 256 * n * r) }, expected.length);
  return timingSafeEqual(actual, expected);
}

// A fixed hash verified against when the username is unknown, so that the answer takes as long as for a real user.
let decoy: Promise<string> | undefined;
export async function verifyDecoy(password: string): Promise<false> {
  await verifyPassword(password, await (decoy ??= hashPassword(randomBytes(16).toString('hex'))));
  return false;
}
