/**
 * The assertion's `jti`: the Akamai request id where available, else a random UUID.
 */

const JTI = /^[\x21-\x7e]{1,128}$/;

/**
 * Picks the request id: a `PMUSER_EP_REQUEST_ID` value that a property rule copies from
 * the built-in `AK_REQUEST_ID` (never from client input), else `request.id` when the
 * runtime provides one, else a random UUID. Values that are not 1–128 printable ASCII
 * characters are ignored.
 * @param {{getVariable: (n: string) => string|undefined, id?: unknown}} request
 * @param {string} variableName
 * @param {{getRandomValues: (a: Uint8Array) => Uint8Array}} crypto
 * @returns {string}
 */
export function requestId(request, variableName, crypto) {
  for (const candidate of [request.getVariable(variableName), request.id]) {
    if (typeof candidate === 'string' && JTI.test(candidate)) return candidate;
  }
  return randomUuid(crypto);
}

/**
 * RFC 9562 version-4 UUID from `crypto.getRandomValues`.
 * @param {{getRandomValues: (a: Uint8Array) => Uint8Array}} crypto
 * @returns {string}
 */
export function randomUuid(crypto) {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
