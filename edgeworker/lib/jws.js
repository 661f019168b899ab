/**
 * Compact-JWS helpers shared by the signer and the verifiers.
 */
import { decodeBase64url, encodeBase64url, encodeBase64urlString, utf8Encode } from './base64url.js';

/** `kid` syntax from the contract, section 1. */
export const KID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Imports 32 bytes of HMAC key material as a non-extractable HS256 key.
 * @param {SubtleCrypto} subtle
 * @param {Uint8Array} raw
 * @param {KeyUsage[]} [usages]
 * @returns {Promise<CryptoKey>}
 */
export function importHmacKey(subtle, raw, usages = ['sign', 'verify']) {
  if (!(raw instanceof Uint8Array) || raw.length !== 32) {
    return Promise.reject(new Error('HS256 key material must be 32 bytes'));
  }
  return subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, usages);
}

/**
 * Signs a header and claims object as a compact HS256 JWS. The JSON is produced by
 * `JSON.stringify`, so member order is the objects' insertion order.
 * @param {SubtleCrypto} subtle
 * @param {CryptoKey} key HMAC key
 * @param {object} header
 * @param {object} claims
 * @returns {Promise<string>}
 */
export async function signCompactHs256(subtle, key, header, claims) {
  const signingInput = `${encodeBase64urlString(JSON.stringify(header))}.${encodeBase64urlString(JSON.stringify(claims))}`;
  const mac = await subtle.sign('HMAC', key, utf8Encode(signingInput));
  return `${signingInput}.${encodeBase64url(mac)}`;
}

/**
 * RFC 9449 `ath`: base64url (no padding) of SHA-256 over the ASCII bytes of the token.
 * @param {SubtleCrypto} subtle
 * @param {string} token
 * @returns {Promise<string>}
 */
export async function accessTokenHash(subtle, token) {
  return encodeBase64url(await subtle.digest('SHA-256', utf8Encode(token)));
}

/**
 * Constant-time comparison of two byte arrays. Lengths are not secret (an HS256 MAC is
 * always 32 bytes), so a length difference returns early.
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 * @returns {boolean}
 */
export function timingSafeEqual(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Decodes base64url, returning null instead of throwing. */
export function tryDecodeBase64url(s) {
  try {
    return decodeBase64url(s);
  } catch {
    return null;
  }
}
