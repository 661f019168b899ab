/**
 * Deterministic fixtures for tests, the bench and the local edge server: configuration,
 * keys, EdgeKV items and user tokens (unsigned-but-well-formed or really signed).
 */
import { encodeBase64url, encodeBase64urlString, utf8Encode } from '../lib/base64url.js';
import { wrapKeyItem } from './edgekv-local.mjs';

/** Fixed clock used by fixtures (epoch seconds). */
export const FIXTURE_NOW = 1795600000;

/** 32-byte keys, base64url. Test-only material — never deploy. */
export const WRAP_KEY = encodeBase64url(Uint8Array.from({ length: 32 }, (_, i) => i + 1));
export const SIGNING_KEY = { kid: 'local-2026-11.a1', k: encodeBase64url(Uint8Array.from({ length: 32 }, (_, i) => 200 - i)) };

export const OIDC_ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_LOCAL';
export const OIDC_CLIENT_ID = 'local-client-id';
export const EDGE_ISSUER = 'akamai-edgeworker:1234567';
export const API_AUDIENCE = 'orders-api';

/** PMUSER variables for a working configuration. */
export function pmuserVariables(overrides = {}) {
  return {
    PMUSER_EP_OIDC_ISSUER: OIDC_ISSUER,
    PMUSER_EP_OIDC_AUDIENCE: OIDC_CLIENT_ID,
    PMUSER_EP_EDGE_ISSUER: EDGE_ISSUER,
    PMUSER_EP_API_AUDIENCE: API_AUDIENCE,
    PMUSER_EDGE_WRAP_KEY: WRAP_KEY,
    ...overrides,
  };
}

/** EdgeKV key of the signing-key item in the memory backend. */
export const KEY_ITEM = 'edge-perimeter/edge-keys/current';
export const JWKS_ITEM = 'edge-perimeter/edge-keys/jwks';

/** The wire-format signing-key item for {@link SIGNING_KEY}, valid until `exp`. */
export function signingKeyItem(exp = FIXTURE_NOW + 30 * 86400, key = SIGNING_KEY) {
  return wrapKeyItem({ kid: key.kid, key: key.k, wrapKey: WRAP_KEY, exp });
}

/** Claims of a valid Cognito-style access token at `now`. */
export function userClaims(now, overrides = {}) {
  return {
    sub: 'alice-0001',
    iss: OIDC_ISSUER,
    client_id: OIDC_CLIENT_ID,
    token_use: 'access',
    scope: 'orders:read orders:write',
    iat: now - 10,
    exp: now + 3600,
    ...overrides,
  };
}

/** A well-formed JWT with a dummy signature (for edges that do not verify signatures). */
export function unsignedToken(claims, header = { alg: 'RS256', kid: 'k1' }) {
  return `${encodeBase64urlString(JSON.stringify(header))}.${encodeBase64urlString(JSON.stringify(claims))}.c2lnbmF0dXJl`;
}

const ALGS = {
  RS256: { gen: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, sign: { name: 'RSASSA-PKCS1-v1_5' } },
  PS256: { gen: { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, sign: { name: 'RSA-PSS', saltLength: 32 } },
  ES256: { gen: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } },
};

/**
 * Generates an issuer key pair and returns its public JWK (with kid/alg/use) and a signer.
 * @param {'RS256'|'PS256'|'ES256'} alg
 * @param {string} kid
 */
export async function issuerKey(alg, kid) {
  const subtle = globalThis.crypto.subtle;
  const pair = await subtle.generateKey(ALGS[alg].gen, true, ['sign', 'verify']);
  const jwk = { ...(await subtle.exportKey('jwk', pair.publicKey)), kid, alg, use: 'sig' };
  delete jwk.key_ops;
  delete jwk.ext;
  return {
    jwk,
    async sign(claims, header = {}) {
      const input = `${encodeBase64urlString(JSON.stringify({ alg, typ: 'JWT', kid, ...header }))}.${encodeBase64urlString(JSON.stringify(claims))}`;
      const sig = await subtle.sign(ALGS[alg].sign, pair.privateKey, utf8Encode(input));
      return `${input}.${encodeBase64url(sig)}`;
    },
  };
}
