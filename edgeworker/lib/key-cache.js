/**
 * The edge signing key: read from EdgeKV (`edge-keys/current`), unwrapped with
 * AES-256-GCM under the wrapping key, and cached in module scope.
 *
 * Item format (docs/WIRE-DETAILS.md): `{"v":1,"kid":"...","alg":"HS256","k":"<b64url>","exp":<s>}`
 * with `k` = base64url(iv(12) || ciphertext(32) || tag(16)) and AAD = UTF-8 bytes of `kid`.
 *
 * Cache rules: an unwrapped key is reused for at most `maxAgeSeconds` (60) and never at
 * or past the item's `exp`; concurrent misses share one EdgeKV read; failures are not
 * cached (the next request retries) and surface as {@link KeyUnavailableError}.
 */
import { decodeBase64url, utf8Encode } from './base64url.js';
import { KID_PATTERN, importHmacKey } from './jws.js';

/** Thrown when no usable signing key can be had; the caller fails closed. */
export class KeyUnavailableError extends Error {
  /**
   * @param {string} reason short machine-readable cause (e.g. `edgekv_error`, `unwrap_failed`)
   * @param {unknown} [cause]
   */
  constructor(reason, cause) {
    super(`signing key unavailable: ${reason}`);
    this.name = 'KeyUnavailableError';
    this.reason = reason;
    this.cause = cause;
  }
}

/**
 * Imports the wrapping key (base64url of 32 bytes) for AES-GCM decryption.
 * @param {SubtleCrypto} subtle
 * @param {string} wrapKeyB64
 * @returns {Promise<CryptoKey>}
 */
export async function importWrappingKey(subtle, wrapKeyB64) {
  let raw;
  try {
    raw = decodeBase64url(wrapKeyB64);
  } catch (e) {
    throw new KeyUnavailableError('wrap_key_invalid', e);
  }
  if (raw.length !== 32) throw new KeyUnavailableError('wrap_key_invalid');
  return subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['decrypt']);
}

/**
 * Validates an EdgeKV key item and unwraps its key material.
 * @param {SubtleCrypto} subtle
 * @param {unknown} item the parsed EdgeKV JSON value
 * @param {CryptoKey} wrappingKey AES-GCM key
 * @param {number} now epoch seconds
 * @returns {Promise<{kid: string, exp: number, cryptoKey: CryptoKey}>}
 * @throws {KeyUnavailableError}
 */
export async function unwrapKeyItem(subtle, item, wrappingKey, now) {
  if (item === null || item === undefined) throw new KeyUnavailableError('item_missing');
  if (typeof item !== 'object' || item.v !== 1 || item.alg !== 'HS256'
    || typeof item.kid !== 'string' || !KID_PATTERN.test(item.kid)
    || typeof item.k !== 'string' || !Number.isSafeInteger(item.exp)) {
    throw new KeyUnavailableError('item_invalid');
  }
  if (item.exp <= now) throw new KeyUnavailableError('key_expired');
  let blob;
  try {
    blob = decodeBase64url(item.k);
  } catch (e) {
    throw new KeyUnavailableError('item_invalid', e);
  }
  if (blob.length !== 12 + 32 + 16) throw new KeyUnavailableError('item_invalid');
  let material;
  try {
    material = new Uint8Array(await subtle.decrypt(
      { name: 'AES-GCM', iv: blob.subarray(0, 12), additionalData: utf8Encode(item.kid), tagLength: 128 },
      wrappingKey,
      blob.subarray(12),
    ));
  } catch (e) {
    throw new KeyUnavailableError('unwrap_failed', e);
  }
  try {
    return { kid: item.kid, exp: item.exp, cryptoKey: await importHmacKey(subtle, material, ['sign']) };
  } finally {
    material.fill(0);
  }
}

/**
 * @typedef {object} KeyCache
 * @property {(args: {subtle: SubtleCrypto, now: number, wrapKey: string}) =>
 *   Promise<{kid: string, exp: number, cryptoKey: CryptoKey}>} get
 *   the current signing key; `now` in epoch seconds, `wrapKey` the base64url wrapping key
 */

/**
 * Creates a module-scope cache for the signing key.
 * @param {object} options
 * @param {() => Promise<unknown>} options.readItem reads the EdgeKV item (null when absent)
 * @param {number} [options.maxAgeSeconds=60]
 * @returns {KeyCache}
 */
export function createKeyCache({ readItem, maxAgeSeconds = 60 }) {
  /** @type {{key: {kid: string, exp: number, cryptoKey: CryptoKey}, validUntil: number, wrapKey: string}|null} */
  let entry = null;
  /** @type {Promise<any>|null} */
  let pending = null;
  /** @type {{source: string, key: Promise<CryptoKey>}|null} */
  let wrapping = null;

  async function load(subtle, now, wrapKey) {
    if (!wrapping || wrapping.source !== wrapKey) {
      wrapping = { source: wrapKey, key: importWrappingKey(subtle, wrapKey) };
      wrapping.key.catch(() => { wrapping = null; });
    }
    const wrappingKey = await wrapping.key;
    let item;
    try {
      item = await readItem();
    } catch (e) {
      throw new KeyUnavailableError('edgekv_error', e);
    }
    const key = await unwrapKeyItem(subtle, item, wrappingKey, now);
    entry = { key, wrapKey, validUntil: Math.min(now + maxAgeSeconds, key.exp) };
    return key;
  }

  return {
    async get({ subtle, now, wrapKey }) {
      if (typeof wrapKey !== 'string' || wrapKey === '') throw new KeyUnavailableError('wrap_key_missing');
      if (entry && now < entry.validUntil && entry.wrapKey === wrapKey) {
        return entry.key;
      }
      entry = null;
      if (!pending) {
        pending = load(subtle, now, wrapKey).finally(() => { pending = null; });
      }
      return pending;
    },
  };
}
