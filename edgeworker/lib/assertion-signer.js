/**
 * Builds and signs the `X-Edge-Assertion` JWS exactly as the edge/origin contract v1,
 * section 2, describes it.
 */
import { KID_PATTERN, accessTokenHash, signCompactHs256 } from './jws.js';
import { MAX_ASSERTION_LIFETIME_SECONDS } from './config.js';

/** Name of the request header carrying the assertion. */
export const ASSERTION_HEADER = 'X-Edge-Assertion';

/** Pre-check names allowed in `epc`. */
export const EPC_VALUES = Object.freeze(['jwt', 'rate', 'geo', 'bot']);

const METHOD = /^[A-Z0-9!#$%&'*+.^_`|~-]{1,32}$/;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/** Thrown when the signer is given input it must not sign. */
export class AssertionInputError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'AssertionInputError';
  }
}

/**
 * @typedef {object} SigningKey
 * @property {string} kid
 * @property {CryptoKey} cryptoKey HMAC-SHA256 key with the `sign` usage
 */

/**
 * @typedef {object} AssertionInput
 * @property {SigningKey} key
 * @property {number} now          epoch seconds, becomes `iat`
 * @property {number} [ttlSeconds] `exp - iat`, 1–300, default 60
 * @property {string} issuer       e.g. `akamai-edgeworker:1234567`
 * @property {string} audience     the API's audience
 * @property {string} jti          request id, 1–128 printable ASCII characters
 * @property {string} method       HTTP method (upper-cased into `htm`)
 * @property {string} path         origin-relative path without query (`htu`)
 * @property {string} [bearer]     the bearer token, when the request carries one (gives `ath`)
 * @property {string} [sub]
 * @property {string} [scope]      space-separated scopes
 * @property {string[]} [epc]      pre-checks performed, from {@link EPC_VALUES}
 */

/**
 * Builds the protected header, keys in the contract's order.
 * @param {string} kid
 * @returns {{alg: 'HS256', typ: 'edge+jwt', kid: string}}
 */
export function assertionHeader(kid) {
  if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) throw new AssertionInputError('invalid kid');
  return { alg: 'HS256', typ: 'edge+jwt', kid };
}

/**
 * Builds the claims object (member order: iss, aud, iat, exp, jti, htm, htu, ath, sub,
 * scope, epc; optional members only when given). Validates every input.
 * @param {Omit<AssertionInput, 'key' | 'bearer'> & {ath?: string}} input
 * @returns {Record<string, unknown>}
 */
export function assertionClaims(input) {
  const ttl = input.ttlSeconds ?? 60;
  if (!Number.isSafeInteger(input.now) || input.now < 0) throw new AssertionInputError('now must be epoch seconds');
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_ASSERTION_LIFETIME_SECONDS) {
    throw new AssertionInputError(`ttlSeconds must be within 1..${MAX_ASSERTION_LIFETIME_SECONDS}`);
  }
  requireString(input.issuer, 'issuer');
  requireString(input.audience, 'audience');
  if (typeof input.jti !== 'string' || input.jti.length > 128 || !PRINTABLE_ASCII.test(input.jti)) {
    throw new AssertionInputError('jti must be 1..128 printable ASCII characters');
  }
  const htm = typeof input.method === 'string' ? input.method.toUpperCase() : '';
  if (!METHOD.test(htm)) throw new AssertionInputError('invalid method');
  const htu = input.path;
  if (typeof htu !== 'string' || !htu.startsWith('/') || htu.includes('?') || htu.includes('#')) {
    throw new AssertionInputError('path must be origin-relative without query or fragment');
  }

  const claims = {
    iss: input.issuer,
    aud: input.audience,
    iat: input.now,
    exp: input.now + ttl,
    jti: input.jti,
    htm,
    htu,
  };
  if (input.ath !== undefined) claims.ath = requireString(input.ath, 'ath');
  if (input.sub !== undefined) claims.sub = requireString(input.sub, 'sub');
  if (input.scope !== undefined) claims.scope = requireString(input.scope, 'scope');
  if (input.epc !== undefined) {
    if (!Array.isArray(input.epc) || !input.epc.every((e) => EPC_VALUES.includes(e))) {
      throw new AssertionInputError(`epc must be an array of ${EPC_VALUES.join('|')}`);
    }
    claims.epc = [...input.epc];
  }
  return claims;
}

/**
 * Signs an edge assertion.
 * @param {SubtleCrypto} subtle Web Crypto (`crypto.subtle` on EdgeWorkers and in Node)
 * @param {AssertionInput} input
 * @returns {Promise<string>} compact JWS for the `X-Edge-Assertion` header
 * @throws {AssertionInputError}
 */
export async function signAssertion(subtle, input) {
  const header = assertionHeader(input.key?.kid);
  const ath = input.bearer !== undefined ? await accessTokenHash(subtle, requireString(input.bearer, 'bearer')) : undefined;
  const claims = assertionClaims({ ...input, ath });
  return signCompactHs256(subtle, input.key.cryptoKey, header, claims);
}

function requireString(value, name) {
  if (typeof value !== 'string' || value.length === 0) throw new AssertionInputError(`${name} must be a non-empty string`);
  return value;
}
