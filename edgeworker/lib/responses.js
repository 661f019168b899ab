/**
 * Edge-generated error responses. Bodies are small fixed JSON documents (well under the
 * 2,000-character `respondWith` limit) and never echo client input.
 */
import { REASON_DESCRIPTIONS } from './jwt-precheck.js';

const BASE_HEADERS = {
  'Content-Type': ['application/json'],
  'Cache-Control': ['no-store'],
};

/**
 * Answers 401 for a failed bearer pre-check (RFC 6750 §3). A request without any token
 * gets a bare challenge; an invalid token gets `error="invalid_token"`.
 * @param {{respondWith: Function}} request
 * @param {string} reason
 */
export function respondUnauthorized(request, reason) {
  const description = REASON_DESCRIPTIONS[reason] ?? 'invalid bearer token';
  const challenge = reason === 'missing_token'
    ? 'Bearer realm="api"'
    : `Bearer realm="api", error="invalid_token", error_description="${description}"`;
  const error = reason === 'missing_token' ? 'unauthorized' : 'invalid_token';
  request.respondWith(
    401,
    { ...BASE_HEADERS, 'WWW-Authenticate': [challenge] },
    JSON.stringify({ error, reason }),
  );
}

/**
 * Answers 503 when the edge cannot do its job safely (no signing key, no JWKS, bad
 * configuration): fail closed, never forward unsigned.
 * @param {{respondWith: Function}} request
 * @param {string} reason
 */
export function respondUnavailable(request, reason) {
  request.respondWith(
    503,
    { ...BASE_HEADERS, 'Retry-After': ['5'] },
    JSON.stringify({ error: 'edge_unavailable', reason }),
  );
}

/**
 * Answers 403 when the token the edge verified itself lacks the scope its route needs (the route
 * policy, lib/route-policy.js): refused at the edge, never forwarded.
 * @param {{respondWith: Function}} request
 */
export function respondForbidden(request) {
  request.respondWith(
    403,
    { ...BASE_HEADERS, 'WWW-Authenticate': ['Bearer realm="api", error="insufficient_scope"'] },
    JSON.stringify({ error: 'forbidden', reason: 'scope_denied' }),
  );
}

/**
 * Answers 400 for a request path the path rule refuses (dot segments, encoded slashes or
 * backslashes, doubled slashes; docs/contract.md), before any route rule is matched.
 * @param {{respondWith: Function}} request
 */
export function respondBadPath(request) {
  request.respondWith(
    400,
    BASE_HEADERS,
    JSON.stringify({ error: 'bad_request', reason: 'path_not_normal' }),
  );
}
