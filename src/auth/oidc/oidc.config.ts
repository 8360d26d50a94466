// Configuration of the optional OpenID Connect login (an identity provider that fronts SPID/CIE): the zod schema
// that config.ts nests under `auth.oidc`, the environment variables that feed it, and the public view for the UI.
import { z } from 'zod';
import { parseKeyValueList } from '../../core/key-value-list.ts';

/** Role ids of the shared contract (issue 8). */
export const OIDC_ROLES = ['admin', 'archivist', 'records_manager', 'professional'] as const;
export type OidcRole = (typeof OIDC_ROLES)[number];
/** Auto-provisioning never hands out admin by default: an admin is made by an admin (or by an explicit role map). */
const DEFAULT_ROLES = ['archivist', 'records_manager', 'professional'] as const;
export const MATCH_CLAIMS = ['sub', 'email', 'fiscalNumber'] as const;
export type MatchClaim = (typeof MATCH_CLAIMS)[number];

/** Booleans from JSON or from environment strings, as in config.ts. */
const bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v)),
]);

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** Tokens travel over this URL: https, or plain http only to a provider on this machine (development, tests). */
const issuerUrl = z.url({ protocol: /^https?$/ }).refine((v) => {
  const u = new URL(v);
  return u.protocol === 'https:' || LOOPBACK.has(u.hostname);
}, 'the issuer must use https (http only on localhost)');

/**
 * Claim value → role, e.g. {"faldone-protocollo": "records_manager"}. From the environment either JSON or
 * "faldone-protocollo=records_manager,faldone-archivio=archivist". An unparsable string is left as is so that
 * validation reports it.
 */
const roleMap = z.preprocess(parseKeyValueList, z.record(z.string().min(1), z.enum(OIDC_ROLES)));

export const oidcConfigSchema = z
  .object({
    /** Issuer URL of the identity provider; OIDC login is enabled when it is set. */
    issuer: issuerUrl.optional(),
    clientId: z.string().min(1).optional(),
    /** Confidential client secret; also the key material of the login-transaction cookie. */
    clientSecret: z.string().min(16, 'at least 16 characters').optional(),
    /** The callback as the browser sees it: https://<host>/api/auth/oidc/callback (registered at the provider). */
    redirectUri: z.url({ protocol: /^https?$/ }).optional(),
    scopes: z
      .string()
      .trim()
      .refine((s) => s.split(/\s+/).includes('openid'), 'must include "openid"')
      .default('openid profile email'),
    /** Text of the login button ("Accedi con <label>"). */
    label: z.string().trim().min(1).max(40).default('SPID/CIE'),
    /** How a provider identity finds its Faldone user: 'sub' (linked subject), 'email' or 'fiscalNumber' (username). */
    matchClaim: z.enum(MATCH_CLAIMS).default('sub'),
    /** Create unknown users at their first login instead of refusing them. */
    autoProvision: bool.default(false),
    defaultRole: z.enum(DEFAULT_ROLES).default('professional'),
    /** Claim carrying group/role names (string or array), mapped through roleMap when a user is provisioned. */
    roleClaim: z.string().min(1).optional(),
    roleMap: roleMap.default({}),
  })
  .superRefine((c, ctx) => {
    if (!c.issuer) return;
    for (const key of ['clientId', 'clientSecret', 'redirectUri'] as const) {
      if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required when the OIDC issuer is set' });
    }
  });

export type OidcConfigInput = z.input<typeof oidcConfigSchema>;
export type OidcConfig = z.output<typeof oidcConfigSchema>;
export type EnabledOidcConfig = OidcConfig & {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
};

export function isOidcEnabled(config: OidcConfig): config is EnabledOidcConfig {
  return Boolean(config.issuer && config.clientId && config.clientSecret && config.redirectUri);
}

/** For GET /api/auth/config (public): whether the login page shows the "Accedi con …" button. */
export function oidcPublicConfig(config: OidcConfig): { enabled: boolean; label: string } {
  return { enabled: isOidcEnabled(config), label: config.label };
}

/** Environment variables for config.ts's ENV_MAP (the schema sits at `auth.oidc`). */
export const OIDC_ENV_MAP: Record<string, string> = {
  OIDC_ISSUER: 'auth.oidc.issuer',
  OIDC_CLIENT_ID: 'auth.oidc.clientId',
  OIDC_CLIENT_SECRET: 'auth.oidc.clientSecret',
  OIDC_REDIRECT_URI: 'auth.oidc.redirectUri',
  OIDC_SCOPES: 'auth.oidc.scopes',
  OIDC_LABEL: 'auth.oidc.label',
  OIDC_MATCH_CLAIM: 'auth.oidc.matchClaim',
  OIDC_AUTO_PROVISION: 'auth.oidc.autoProvision',
  OIDC_DEFAULT_ROLE: 'auth.oidc.defaultRole',
  OIDC_ROLE_CLAIM: 'auth.oidc.roleClaim',
  OIDC_ROLE_MAP: 'auth.oidc.roleMap',
};
