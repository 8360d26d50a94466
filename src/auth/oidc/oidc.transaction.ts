// The login transaction (state, nonce, PKCE verifier) kept in the browser between /login and /callback: an
// AES-256-GCM sealed, short-lived cookie, so any API instance can finish a login another one started.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export interface OidcTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Epoch milliseconds after which the transaction is refused. */
  expiresAt: number;
}

export type OpenResult =
  { ok: true; tx: OidcTransaction } | { ok: false; reason: 'malformed' | 'tampered' | 'expired' };

export interface TransactionSealer {
  seal(tx: OidcTransaction): string;
  open(value: string, now?: number): OpenResult;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * `secret` is the client secret (already shared by every instance); `context` (issuer and client id) is bound as
 * associated data, so a cookie from another provider configuration does not open.
 */
export function transactionSealer(secret: string, context: string): TransactionSealer {
  const key = Buffer.from(hkdfSync('sha256', secret, 'faldone-oidc-transaction', context, 32));
  const aad = Buffer.from(context, 'utf8');
  return {
    seal(tx) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
      const body = Buffer.concat([cipher.update(JSON.stringify(tx), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    open(value, now = Date.now()) {
      const raw = Buffer.from(value, 'base64url');
      if (raw.length <= IV_BYTES + TAG_BYTES) return { ok: false, reason: 'malformed' };
      let json: string;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES)).setAAD(aad);
        decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
        json = Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        return { ok: false, reason: 'tampered' };
      }
      const tx = JSON.parse(json) as Partial<OidcTransaction>;
      if (
        typeof tx.state !== 'string' ||
        typeof tx.nonce !== 'string' ||
        typeof tx.codeVerifier !== 'string' ||
        typeof tx.expiresAt !== 'number'
      ) {
        return { ok: false, reason: 'malformed' };
      }
      if (tx.expiresAt <= now) return { ok: false, reason: 'expired' };
      return { ok: true, tx: tx as OidcTransaction };
    },
  };
}
