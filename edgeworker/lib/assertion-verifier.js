/**
 * Verifier for the edge assertion: steps 1–6 of the edge/origin contract v1, section 2,
 * in the contract's order and with its reason codes (the first failing step names the
 * reason). Step 7 (user-token verification at the origin) is out of scope here.
 *
 * Used by the tests, the vector generator and local tooling to prove that what the edge
 * signs is what the origin accepts.
 */
import { EncodingError, decodeBase64url, isBase64url, utf8Decode, utf8Encode } from './base64url.js';
import { KID_PATTERN, accessTokenHash, importHmacKey, timingSafeEqual, tryDecodeBase64url } from './jws.js';

/** Key states whose signatures the origin accepts. */
export const ACCEPTED_STATES = Object.freeze(['NEXT', 'CURRENT', 'PREVIOUS']);

/**
 * @typedef {object} VerifierKey
 * @property {string} kid
 * @property {string} state   NEXT | CURRENT | PREVIOUS | RETIRED | REVOKED
 * @property {CryptoKey} cryptoKey HMAC key with the `sign` usage
 * @property {number} [notAfter] epoch seconds after which the key is rejected
 */

/**
 * @typedef {object} VerifierConfig
 * @property {string[]} issuers
 * @property {string} audience
 * @property {number} [skewSeconds=30]
 * @property {number} [maxLifetimeSeconds=300]
 * @property {number} [maxHeaderBytes=4096]
 */

/**
 * @typedef {{ok: true, header: object, claims: Record<string, unknown>}
 *   | {ok: false, reason: string}} VerifyResult
 */

const REQUIRED_STRING_CLAIMS = ['iss', 'aud', 'jti', 'htm', 'htu'];
const OPTIONAL_STRING_CLAIMS = ['ath', 'sub', 'scope'];
/** Claims that must be JSON integers as written: no fraction, no exponent (`1.0`, `1e9` are malformed). */
const INTEGER_CLAIMS = new Set(['iat', 'exp']);
const NO_INTEGER_MEMBERS = new Set();
const JSON_INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

/**
 * Imports a key set in the test-vector shape (`{kid, state, k, notAfter?}` with `k` the
 * base64url key material) into a `Map` keyed by `kid`.
 * @param {SubtleCrypto} subtle
 * @param {{kid: string, state: string, k: string, notAfter?: number}[]} keys
 * @returns {Promise<Map<string, VerifierKey>>}
 */
export async function importKeyring(subtle, keys) {
  const ring = new Map();
  for (const key of keys) {
    const raw = tryDecodeBase64url(key.k);
    if (!raw) throw new Error(`key ${key.kid}: k is not base64url`);
    ring.set(key.kid, {
      kid: key.kid,
      state: key.state,
      notAfter: key.notAfter,
      cryptoKey: await importHmacKey(subtle, raw, ['sign']),
    });
  }
  return ring;
}

/**
 * Verifies an edge assertion against a request.
 * @param {SubtleCrypto} subtle
 * @param {object} args
 * @param {string|null|undefined} args.assertion the header value (null/undefined/'' = absent)
 * @param {{method: string, path: string, bearer?: string|null}} args.request
 * @param {Map<string, VerifierKey>} args.keys
 * @param {VerifierConfig} args.config
 * @param {number} args.now epoch seconds
 * @returns {Promise<VerifyResult>}
 */
export async function verifyAssertion(subtle, { assertion, request, keys, config, now }) {
  const skew = config.skewSeconds ?? 30;
  const maxLifetime = config.maxLifetimeSeconds ?? 300;
  const maxBytes = config.maxHeaderBytes ?? 4096;
  const fail = (reason) => ({ ok: false, reason });

  // Step 1: presence, size, shape and claim types.
  if (assertion === undefined || assertion === null || assertion === '') return fail('missing');
  if (typeof assertion !== 'string') return fail('malformed');
  if (utf8Encode(assertion).length > maxBytes) return fail('too_large');
  const parts = assertion.split('.');
  if (parts.length !== 3 || !parts.every(isBase64url) || !parts[0] || !parts[1]) return fail('malformed');
  let header;
  let claims;
  try {
    header = decodeStrictJsonObject(parts[0], NO_INTEGER_MEMBERS);
    claims = decodeStrictJsonObject(parts[1], INTEGER_CLAIMS);
  } catch {
    return fail('malformed');
  }
  const signature = tryDecodeBase64url(parts[2]);
  if (!signature || !claimsWellTyped(claims)) return fail('malformed');

  // Step 2: header rules.
  if (header.alg !== 'HS256') return fail('bad_alg');
  if (header.typ !== 'edge+jwt') return fail('bad_typ');
  if (Object.prototype.hasOwnProperty.call(header, 'crit')) return fail('crit');
  const kid = header.kid;
  const key = typeof kid === 'string' && KID_PATTERN.test(kid) ? keys.get(kid) : undefined;
  if (!key) return fail('unknown_kid');
  if (!ACCEPTED_STATES.includes(key.state) || (key.notAfter !== undefined && now > key.notAfter)) {
    return fail('key_inactive');
  }

  // Step 3: signature, compared in constant time.
  const expected = new Uint8Array(await subtle.sign('HMAC', key.cryptoKey, utf8Encode(`${parts[0]}.${parts[1]}`)));
  if (!timingSafeEqual(expected, signature)) return fail('bad_signature');

  // Step 4: issuer, audience, times.
  if (!config.issuers.includes(claims.iss)) return fail('bad_issuer');
  if (claims.aud !== config.audience) return fail('bad_audience');
  if (claims.iat > now + skew) return fail('not_yet_valid');
  if (claims.exp <= now - skew) return fail('expired');
  if (claims.exp - claims.iat > maxLifetime) return fail('lifetime_too_long');

  // Step 5: method and path, byte for byte.
  if (claims.htm !== request.method) return fail('method_mismatch');
  if (claims.htu !== request.path) return fail('path_mismatch');

  // Step 6: binding to the bearer token.
  if (request.bearer !== undefined && request.bearer !== null) {
    if (claims.ath === undefined) return fail('ath_missing');
    const ath = await accessTokenHash(subtle, request.bearer);
    if (!timingSafeEqual(utf8Encode(ath), utf8Encode(claims.ath))) return fail('ath_mismatch');
  }
  return { ok: true, header, claims };
}

function claimsWellTyped(claims) {
  for (const name of REQUIRED_STRING_CLAIMS) {
    if (typeof claims[name] !== 'string') return false;
  }
  if (!Number.isSafeInteger(claims.iat) || !Number.isSafeInteger(claims.exp)) return false;
  if (claims.jti.length > 128) return false;
  for (const name of OPTIONAL_STRING_CLAIMS) {
    if (claims[name] !== undefined && typeof claims[name] !== 'string') return false;
  }
  if (claims.epc !== undefined && !(Array.isArray(claims.epc) && claims.epc.every((e) => typeof e === 'string'))) {
    return false;
  }
  return true;
}

/**
 * Decodes a base64url segment holding UTF-8 JSON and requires a JSON object, as strictly as the
 * origin's parser: a duplicate member name at any depth makes the object ambiguous, and a
 * top-level member named in `integerMembers` holding a number must be written as an integer
 * (no fraction, no exponent). Throws on any failure.
 * @param {string} segment
 * @param {Set<string>} integerMembers
 * @returns {Record<string, unknown>}
 */
function decodeStrictJsonObject(segment, integerMembers) {
  const text = utf8Decode(decodeBase64url(segment));
  const value = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new EncodingError('not a JSON object');
  }
  checkJsonText(text, integerMembers);
  return value;
}

/**
 * Scans JSON text that `JSON.parse` has accepted (so only the token boundaries matter) for
 * duplicate member names and for non-integer number forms of `integerMembers` at the top level.
 * @param {string} text
 * @param {Set<string>} integerMembers
 */
function checkJsonText(text, integerMembers) {
  /** @type {{names: Set<string>|null, expectName: boolean, name?: string}[]} */
  const stack = [];
  for (let i = 0; i < text.length;) {
    const ch = text[i];
    const top = stack[stack.length - 1];
    if (ch === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (top?.names && top.expectName) {
        const name = JSON.parse(text.slice(i, end + 1));
        if (top.names.has(name)) throw new EncodingError(`duplicate member name ${JSON.stringify(name)}`);
        top.names.add(name);
        top.name = name;
        top.expectName = false;
      }
      i = end + 1;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      let end = i + 1;
      while (end < text.length && '0123456789+-.eE'.includes(text[end])) end++;
      if (stack.length === 1 && integerMembers.has(top.name) && !JSON_INTEGER.test(text.slice(i, end))) {
        throw new EncodingError(`${top.name} is not written as an integer`);
      }
      i = end;
    } else {
      if (ch === '{') stack.push({ names: new Set(), expectName: true });
      else if (ch === '[') stack.push({ names: null, expectName: false });
      else if (ch === '}' || ch === ']') stack.pop();
      else if (ch === ',' && top.names) top.expectName = true;
      i++;
    }
  }
}
