/**
 * One log line per decision, as space-separated `key=value` pairs
 * (`decision=forward reason=ok kid=... jti=... sub=...`).
 *
 * Only fixed field names are written, values are length-capped and percent-encoded
 * outside a safe character set, so a client cannot forge fields or lines.
 * Tokens, keys and assertions are never passed here.
 */

const FIELDS = ['decision', 'reason', 'detail', 'kid', 'jti', 'sub', 'htm', 'handler'];
const SAFE = /^[A-Za-z0-9._:@\/+-]*$/;
const MAX_VALUE = 128;

/**
 * Formats a decision as a log line. Unknown fields are dropped, missing ones omitted.
 * @param {{decision: string, reason: string, detail?: string, kid?: string, jti?: string, sub?: string, htm?: string, handler?: string}} fields
 * @returns {string}
 */
export function formatDecision(fields) {
  const parts = [];
  for (const name of FIELDS) {
    const value = fields[name];
    if (value === undefined || value === null || value === '') continue;
    parts.push(`${name}=${sanitize(String(value))}`);
  }
  return parts.join(' ');
}

/**
 * Writes a decision through the EdgeWorkers logger. Logging never throws.
 * @param {{log: (format: string, ...args: unknown[]) => void}} logger
 * @param {Parameters<typeof formatDecision>[0]} fields
 */
export function logDecision(logger, fields) {
  try {
    logger.log('%s', formatDecision(fields));
  } catch {
    // Logging must never change the outcome of a request.
  }
}

function sanitize(value) {
  let v = value.length > MAX_VALUE ? value.slice(0, MAX_VALUE) : value;
  if (SAFE.test(v)) return v;
  try {
    v = encodeURIComponent(v);
  } catch {
    v = v.replace(/[^A-Za-z0-9._:@\/+-]/g, '_');
  }
  return v.length > 3 * MAX_VALUE ? v.slice(0, 3 * MAX_VALUE) : v;
}
