/**
 * Pre-check of the user's `Authorization: Bearer <JWT>` at the edge.
 *
 * Order: header syntax → JWT shape → `alg` → signature (when enabled) → `exp`/`nbf`/`iat`
 * → `iss` → `aud` (or Cognito `client_id`) → `token_use` (when configured) → `sub`/`scope`
 * shape. The edge is a filter in front of the origin, not the authority: the origin
 * verifies again. Identity (`sub`, `scope`) is only asserted when this pre-check verified
 * the token's signature (see README, "Trust model").
 */
import { decodeJsonObject, isBase64url, utf8Encode } from './base64url.js';
import { USER_TOKEN_ALGS, JwksUnavailableError, verifySignature } from './jwks.js';
import { tryDecodeBase64url } from './jws.js';

/** Longest bearer token accepted (characters). */
export const MAX_TOKEN_LENGTH = 8192;
const MAX_SUB_LENGTH = 256;
const MAX_SCOPE_LENGTH = 2048;
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Human-readable `error_description` per reason (fixed strings: no client data is echoed).
 */
export const REASON_DESCRIPTIONS = Object.freeze({
  missing_token: 'bearer token required',
  malformed_token: 'malformed bearer token',
  bad_alg: 'token algorithm not accepted',
  unknown_kid: 'token signing key not known',
  bad_signature: 'token signature invalid',
  expired: 'token expired',
  not_yet_valid: 'token not yet valid',
  bad_issuer: 'token issuer not accepted',
  bad_audience: 'token audience not accepted',
  bad_token_use: 'token type not accepted',
});

/**
 * Extracts the bearer token from the `Authorization` header values.
 * @param {string[]|undefined|null} values as returned by `request.getHeader('Authorization')`
 * @returns {{present: false} | {present: true, token: string} | {present: true, error: 'malformed_token'}}
 */
export function parseBearer(values) {
  if (!values || values.length === 0) return { present: false };
  if (values.length !== 1 || typeof values[0] !== 'string' || values[0].length > MAX_TOKEN_LENGTH + 7) {
    return { present: true, error: 'malformed_token' };
  }
  const m = BEARER.exec(values[0]);
  return m ? { present: true, token: m[1] } : { present: true, error: 'malformed_token' };
}

/**
 * @typedef {{ok: true, verified: boolean, sub?: string, scope?: string}
 *   | {ok: false, reason: string, unavailable?: boolean}} PrecheckResult
 */

/**
 * Checks a bearer JWT.
 * @param {object} args
 * @param {SubtleCrypto} args.subtle
 * @param {string} args.token the compact JWT
 * @param {import('./config.js').EdgeConfig} args.config
 * @param {number} args.now epoch seconds
 * @param {import('./jwks.js').JwksStore} [args.jwks] required when `config.verifyJwt`
 * @returns {Promise<PrecheckResult>}
 */
export async function precheckToken({ subtle, token, config, now, jwks }) {
  const fail = (reason) => ({ ok: false, reason });
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => p.length > 0 && isBase64url(p))) return fail('malformed_token');
  let header;
  let claims;
  try {
    header = decodeJsonObject(parts[0]);
    claims = decodeJsonObject(parts[1]);
  } catch {
    return fail('malformed_token');
  }
  if (!USER_TOKEN_ALGS.includes(header.alg)) return fail('bad_alg');
  if (Object.prototype.hasOwnProperty.call(header, 'crit')) return fail('malformed_token');

  if (config.verifyJwt) {
    if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 256) return fail('unknown_kid');
    let key;
    try {
      key = await jwks.getKey({ subtle, kid: header.kid, alg: header.alg, now });
    } catch (e) {
      if (e instanceof JwksUnavailableError) return { ok: false, reason: 'jwks_unavailable', unavailable: true };
      throw e;
    }
    if (!key) return fail('unknown_kid');
    const signature = tryDecodeBase64url(parts[2]);
    if (!signature || !(await verifySignature(subtle, header.alg, key, signature, utf8Encode(`${parts[0]}.${parts[1]}`)))) {
      return fail('bad_signature');
    }
  }

  const skew = config.skewSeconds;
  if (!isNumericDate(claims.exp)) return fail('malformed_token');
  if (claims.exp <= now - skew) return fail('expired');
  if (claims.nbf !== undefined && (!isNumericDate(claims.nbf) || claims.nbf > now + skew)) {
    return fail(isNumericDate(claims.nbf) ? 'not_yet_valid' : 'malformed_token');
  }
  if (claims.iat !== undefined && (!isNumericDate(claims.iat) || claims.iat > now + skew)) {
    return fail(isNumericDate(claims.iat) ? 'not_yet_valid' : 'malformed_token');
  }
  if (claims.iss !== config.oidcIssuer) return fail('bad_issuer');
  if (!audienceAccepted(claims, config.oidcAudiences)) return fail('bad_audience');
  if (config.tokenUse && claims.token_use !== config.tokenUse) return fail('bad_token_use');

  let sub;
  if (claims.sub !== undefined) {
    if (typeof claims.sub !== 'string' || claims.sub.length === 0 || claims.sub.length > MAX_SUB_LENGTH) {
      return fail('malformed_token');
    }
    sub = claims.sub;
  }
  const scope = normaliseScope(claims);
  if (scope === null) return fail('malformed_token');

  return config.verifyJwt
    ? { ok: true, verified: true, sub, scope }
    : { ok: true, verified: false };
}

function isNumericDate(v) {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** `aud` (string or array) must contain an accepted value; without `aud`, Cognito's `client_id`. */
function audienceAccepted(claims, accepted) {
  if (claims.aud !== undefined) {
    const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    return auds.some((a) => typeof a === 'string' && accepted.includes(a));
  }
  return typeof claims.client_id === 'string' && accepted.includes(claims.client_id);
}

/**
 * Space-separated scopes from `scope` (string) or `scp` (array or string).
 * @returns {string|undefined|null} undefined when none, null when malformed
 */
function normaliseScope(claims) {
  let raw = claims.scope !== undefined ? claims.scope : claims.scp;
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') raw = raw.split(' ').filter(Boolean);
  if (!Array.isArray(raw) || !raw.every((s) => typeof s === 'string' && SCOPE_TOKEN.test(s))) return null;
  const scope = raw.join(' ');
  if (scope.length > MAX_SCOPE_LENGTH) return null;
  return scope.length ? scope : undefined;
}
