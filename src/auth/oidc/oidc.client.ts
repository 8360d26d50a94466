// The relying-party side of the authorization code flow with openid-client: discovery (cached, retried after a
// failure), the authorization URL with PKCE S256 + state + nonce, and the code exchange with ID token validation.
import * as client from 'openid-client';
import type { EnabledOidcConfig } from './oidc.config.ts';
import type { OidcTransaction } from './oidc.transaction.ts';

/** Claims of the ID token, completed by the userinfo response (the ID token wins where both have a claim). */
export type OidcClaims = Record<string, unknown> & { sub: string };

/** The provider could not be reached or answered with something unusable (502), not a user or request error. */
export class OidcProviderUnavailableError extends Error {
  override name = 'OidcProviderUnavailableError';
}

export interface OidcClient {
  /** A new transaction and the provider URL to send the browser to. */
  start(ttlMs: number): Promise<{ url: URL; tx: OidcTransaction }>;
  /** Validates the callback (state, iss, code, ID token signature/aud/nonce/exp) and returns the user's claims. */
  finish(callbackQuery: string, tx: OidcTransaction): Promise<OidcClaims>;
}

const DISCOVERY_TIMEOUT_S = 10;

export function createOidcClient(config: EnabledOidcConfig): OidcClient {
  let discovered: Promise<client.Configuration> | undefined;
  const issuer = new URL(config.issuer);

  function configuration(): Promise<client.Configuration> {
    discovered ??= client
      .discovery(issuer, config.clientId, undefined, client.ClientSecretBasic(config.clientSecret), {
        timeout: DISCOVERY_TIMEOUT_S,
        // Plain http is only accepted by the config schema for a provider on localhost.
        execute: issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [],
      })
      .catch((err: unknown) => {
        discovered = undefined; // try again at the next login instead of caching the outage
        throw new OidcProviderUnavailableError(`OIDC discovery at ${config.issuer} failed: ${(err as Error).message}`, {
          cause: err,
        });
      });
    return discovered;
  }

  return {
    async start(ttlMs) {
      const conf = await configuration();
      const tx: OidcTransaction = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier: client.randomPKCECodeVerifier(),
        expiresAt: Date.now() + ttlMs,
      };
      const url = client.buildAuthorizationUrl(conf, {
        redirect_uri: config.redirectUri,
        scope: config.scopes,
        state: tx.state,
        nonce: tx.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(tx.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url, tx };
    },

    async finish(callbackQuery, tx) {
      const conf = await configuration();
      // The URL the provider redirected to, rebuilt from configuration rather than from the Host header.
      const current = new URL(config.redirectUri);
      current.search = callbackQuery;
      const tokens = await withNetworkErrors(() =>
        client.authorizationCodeGrant(conf, current, {
          pkceCodeVerifier: tx.codeVerifier,
          expectedState: tx.state,
          expectedNonce: tx.nonce,
          idTokenExpected: true,
        }),
      );
      const idClaims = tokens.claims();
      if (!idClaims) throw new Error('the provider returned no ID token');
      // Many providers (and SPID/CIE proxies) put the attributes only in userinfo; the ID token's sub is checked
      // against it by openid-client.
      let userinfo: Record<string, unknown> = {};
      if (conf.serverMetadata().userinfo_endpoint) {
        userinfo = await withNetworkErrors(() => client.fetchUserInfo(conf, tokens.access_token, idClaims.sub));
      }
      return { ...userinfo, ...idClaims } as OidcClaims;
    },
  };
}

/** fetch() failing (refused, DNS, timeout) surfaces as a TypeError or an abort; that is the provider being down. */
async function withNetworkErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const name = (err as Error).name;
    if (
      (err instanceof TypeError && err.message === 'fetch failed') ||
      name === 'TimeoutError' ||
      name === 'AbortError'
    ) {
      throw new OidcProviderUnavailableError(`OIDC provider unreachable: ${(err as Error).message}`, { cause: err });
    }
    throw err;
  }
}
