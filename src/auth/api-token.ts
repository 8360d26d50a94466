// API tokens for scripts and tests: `fld_<43 base64url chars>`, sent as `Authorization: Bearer …`; the store keeps
// only the SHA-256 of the whole token.
import { randomBytes } from 'node:crypto';
import { sha256Hex } from './session.store.ts';

export const TOKEN_PREFIX = 'fld_';

export function newApiToken(): { token: string; tokenHash: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, tokenHash: sha256Hex(token) };
}

/** The token of an `Authorization: Bearer fld_…` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer\s+(fld_[A-Za-z0-9_-]{20,100})\s*$/i.exec(header ?? '');
  return m ? m[1]! : null;
}
