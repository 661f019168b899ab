/**
 * User-token signature verification against a JWKS held in EdgeKV (`edge-keys/jwks`,
 * a standard `{"keys":[...]}` document synchronised from the OIDC issuer).
 *
 * Supported: RS256, PS256 (RSA ≥ 2048 bits) and ES256 (P-256). Keys are selected by
 * `kid` only (a `kid` that two keys share is ambiguous and never used); the JWK's
 * `kty`/`crv` must fit the token's `alg`, its `alg` (if present) must equal it, its `use`
 * (if present) must be `sig` and its `key_ops` (if present) must include `verify`.
 * Private members are never passed to `importKey`.
 */
import { decodeBase64url } from './base64url.js';

/** Algorithms accepted for user tokens (the origin accepts the same set). */
export const USER_TOKEN_ALGS = Object.freeze(['RS256', 'ES256', 'PS256']);

/** Thrown when the JWKS cannot be read or parsed; the caller fails closed. */
export class JwksUnavailableError extends Error {
  /** @param {string} message @param {unknown} [cause] */
  constructor(message, cause) {
    super(message);
    this.name = 'JwksUnavailableError';
    this.cause = cause;
  }
}

const PARAMS = {
  RS256: { kty: 'RSA', import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, verify: { name: 'RSASSA-PKCS1-v1_5' } },
  PS256: { kty: 'RSA', import: { name: 'RSA-PSS', hash: 'SHA-256' }, verify: { name: 'RSA-PSS', saltLength: 32 } },
  ES256: { kty: 'EC', import: { name: 'ECDSA', namedCurve: 'P-256' }, verify: { name: 'ECDSA', hash: 'SHA-256' } },
};

/**
 * Imports the public part of a JWK for one algorithm, or returns null if it does not fit.
 * @param {SubtleCrypto} subtle
 * @param {Record<string, unknown>} jwk
 * @param {string} alg
 * @returns {Promise<CryptoKey|null>}
 */
export async function importVerificationKey(subtle, jwk, alg) {
  const p = PARAMS[alg];
  if (!p || jwk.kty !== p.kty) return null;
  if (jwk.alg !== undefined && jwk.alg !== alg) return null;
  if (jwk.use !== undefined && jwk.use !== 'sig') return null;
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) return null;
  let publicJwk;
  if (p.kty === 'RSA') {
    if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string') return null;
    const modulus = decodeBase64url(jwk.n);
    const bits = (modulus.length - (modulus[0] === 0 ? 1 : 0)) * 8;
    if (bits < 2048) return null;
    publicJwk = { kty: 'RSA', n: jwk.n, e: jwk.e };
  } else {
    if (jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') return null;
    publicJwk = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  }
  return subtle.importKey('jwk', publicJwk, p.import, false, ['verify']);
}

/**
 * Verifies a JWS signature with an imported key.
 * @param {SubtleCrypto} subtle
 * @param {string} alg one of {@link USER_TOKEN_ALGS}
 * @param {CryptoKey} key
 * @param {Uint8Array} signature
 * @param {Uint8Array} signingInput ASCII bytes of `header.payload`
 * @returns {Promise<boolean>}
 */
export async function verifySignature(subtle, alg, key, signature, signingInput) {
  if (alg === 'ES256' && signature.length !== 64) return false; // raw r||s (RFC 7518 §3.4)
  return subtle.verify(PARAMS[alg].verify, key, signature, signingInput);
}

/**
 * @typedef {object} JwksStore
 * @property {(args: {subtle: SubtleCrypto, kid: string, alg: string, now: number}) => Promise<CryptoKey|null>} getKey
 *   the verification key for `kid`/`alg`, or null when the JWKS has no fitting key
 */

/**
 * Creates a module-scope JWKS cache. An unknown `kid` triggers at most one refresh per
 * `minRefreshSeconds`, so key rollover at the issuer is picked up without letting
 * clients force an EdgeKV read per request.
 * @param {object} options
 * @param {() => Promise<unknown>} options.readJwks reads the JWKS document
 * @param {number} [options.ttlSeconds=300]
 * @param {number} [options.minRefreshSeconds=30]
 * @returns {JwksStore}
 */
export function createJwksStore({ readJwks, ttlSeconds = 300, minRefreshSeconds = 30 }) {
  /** @type {{fetchedAt: number, jwks: Map<string, object>, imported: Map<string, Promise<CryptoKey|null>>}|null} */
  let cache = null;
  let pending = null;

  async function refresh(now) {
    let doc;
    try {
      doc = await readJwks();
    } catch (e) {
      throw new JwksUnavailableError('JWKS read failed', e);
    }
    if (!doc || typeof doc !== 'object' || !Array.isArray(doc.keys)) throw new JwksUnavailableError('JWKS invalid');
    const jwks = new Map();
    const duplicated = new Set();
    for (const jwk of doc.keys) {
      if (!jwk || typeof jwk !== 'object' || typeof jwk.kid !== 'string') continue;
      if (jwks.has(jwk.kid)) duplicated.add(jwk.kid);
      else jwks.set(jwk.kid, jwk);
    }
    for (const kid of duplicated) jwks.delete(kid); // ambiguous: never guess which key signed (as the origin)
    cache = { fetchedAt: now, jwks, imported: new Map() };
  }

  function ensure(now, force) {
    const stale = !cache || now - cache.fetchedAt >= ttlSeconds;
    const mayRefresh = force && cache && now - cache.fetchedAt >= minRefreshSeconds;
    if (!stale && !mayRefresh) return Promise.resolve();
    if (!pending) pending = refresh(now).finally(() => { pending = null; });
    return pending;
  }

  return {
    async getKey({ subtle, kid, alg, now }) {
      await ensure(now, false);
      if (!cache.jwks.has(kid)) await ensure(now, true);
      const jwk = cache.jwks.get(kid);
      if (!jwk) return null;
      const id = `${alg}:${kid}`;
      let key = cache.imported.get(id);
      if (!key) {
        key = importVerificationKey(subtle, jwk, alg).catch(() => null);
        cache.imported.set(id, key);
      }
      return key;
    },
  };
}
