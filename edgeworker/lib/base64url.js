/**
 * Strict base64url (RFC 4648 §5, no padding) and UTF-8 codecs in plain JavaScript.
 *
 * Written without `atob`/`btoa`/`TextEncoder`/`Buffer` so the same code runs unchanged
 * on the EdgeWorkers runtime (where those live in optional modules) and in Node.
 * Decoders are strict: anything that is not canonical input throws, so callers can map
 * the error to a `malformed` rejection.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Error thrown by the strict decoders. */
export class EncodingError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'EncodingError';
  }
}

/**
 * Encodes bytes as base64url without padding.
 * @param {Uint8Array|ArrayBuffer} input
 * @returns {string}
 */
export function encodeBase64url(input) {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[n >>> 18] + ALPHABET[(n >>> 12) & 63] + ALPHABET[(n >>> 6) & 63] + ALPHABET[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += ALPHABET[n >>> 18] + ALPHABET[(n >>> 12) & 63];
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[n >>> 18] + ALPHABET[(n >>> 12) & 63] + ALPHABET[(n >>> 6) & 63];
  }
  return out;
}

/**
 * Tells whether a string is syntactically valid unpadded base64url (alphabet and length;
 * the empty string is valid). Does not check that unused trailing bits are zero.
 * @param {string} s
 * @returns {boolean}
 */
export function isBase64url(s) {
  if (typeof s !== 'string' || s.length % 4 === 1) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || LOOKUP[c] < 0) return false;
  }
  return true;
}

/**
 * Decodes unpadded base64url. Throws {@link EncodingError} on padding, foreign characters,
 * an impossible length or non-zero unused trailing bits (non-canonical encodings).
 * @param {string} s
 * @returns {Uint8Array}
 */
export function decodeBase64url(s) {
  if (!isBase64url(s)) throw new EncodingError('not base64url');
  const full = s.length - (s.length % 4);
  const rest = s.length % 4;
  const out = new Uint8Array((full / 4) * 3 + (rest === 0 ? 0 : rest - 1));
  let o = 0;
  for (let i = 0; i < full; i += 4) {
    const n = (LOOKUP[s.charCodeAt(i)] << 18) | (LOOKUP[s.charCodeAt(i + 1)] << 12)
      | (LOOKUP[s.charCodeAt(i + 2)] << 6) | LOOKUP[s.charCodeAt(i + 3)];
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 255;
    out[o++] = n & 255;
  }
  if (rest === 2) {
    const a = LOOKUP[s.charCodeAt(full)];
    const b = LOOKUP[s.charCodeAt(full + 1)];
    if (b & 15) throw new EncodingError('non-canonical base64url');
    out[o] = (a << 2) | (b >>> 4);
  } else if (rest === 3) {
    const a = LOOKUP[s.charCodeAt(full)];
    const b = LOOKUP[s.charCodeAt(full + 1)];
    const c = LOOKUP[s.charCodeAt(full + 2)];
    if (c & 3) throw new EncodingError('non-canonical base64url');
    out[o++] = (a << 2) | (b >>> 4);
    out[o] = ((b & 15) << 4) | (c >>> 2);
  }
  return out;
}

/**
 * Encodes a string as UTF-8. Lone surrogates become U+FFFD (as `TextEncoder` does).
 * @param {string} str
 * @returns {Uint8Array}
 */
export function utf8Encode(str) {
  const out = [];
  for (let i = 0; i < str.length; i++) {
    let cp = str.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < str.length) {
      const lo = str.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return Uint8Array.from(out);
}

/**
 * Decodes strict UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
 * Throws {@link EncodingError} on invalid input.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function utf8Decode(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const b0 = bytes[i];
    let cp;
    let need;
    let min;
    if (b0 < 0x80) { out += String.fromCharCode(b0); i++; continue; }
    if (b0 >= 0xc2 && b0 <= 0xdf) { cp = b0 & 0x1f; need = 1; min = 0x80; }
    else if (b0 >= 0xe0 && b0 <= 0xef) { cp = b0 & 0x0f; need = 2; min = 0x800; }
    else if (b0 >= 0xf0 && b0 <= 0xf4) { cp = b0 & 0x07; need = 3; min = 0x10000; }
    else throw new EncodingError('invalid UTF-8');
    if (i + need >= bytes.length) throw new EncodingError('truncated UTF-8');
    for (let k = 1; k <= need; k++) {
      const b = bytes[i + k];
      if ((b & 0xc0) !== 0x80) throw new EncodingError('invalid UTF-8');
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new EncodingError('invalid UTF-8');
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

/**
 * Decodes a base64url segment holding UTF-8 JSON and requires a JSON object.
 * Throws on any failure.
 * @param {string} segment
 * @returns {Record<string, unknown>}
 */
export function decodeJsonObject(segment) {
  const value = JSON.parse(utf8Decode(decodeBase64url(segment)));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new EncodingError('not a JSON object');
  }
  return value;
}

/**
 * base64url of the UTF-8 bytes of a string.
 * @param {string} str
 * @returns {string}
 */
export function encodeBase64urlString(str) {
  return encodeBase64url(utf8Encode(str));
}
