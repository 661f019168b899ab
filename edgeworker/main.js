/**
 * Edge perimeter EdgeWorker.
 *
 * onClientRequest  applies the path rule (400) and the route policy, pre-checks the user's
 *                  bearer JWT; rejects with 401, or with 403 when a token it verified itself
 *                  lacks the route's scope (never forwarded), or records what it established
 *                  in PMUSER variables.
 * onOriginRequest  strips any client-sent X-Edge-Assertion and adds a fresh one, signed
 *                  with the current edge key from EdgeKV (edge/origin contract v1, §2).
 *
 * Every failure to do this safely is answered at the edge (fail closed): 401 for a bad
 * token, 503 when configuration, JWKS or signing key are unavailable.
 */
import { logger } from 'log';
import { crypto } from 'crypto';
import { EdgeKV } from './edgekv.js';
import { CONFIG_VARIABLES, STATE_VARIABLES, PRECHECK_PASSED, loadConfig } from './lib/config.js';
import { parseBearer, precheckToken } from './lib/jwt-precheck.js';
import { createJwksStore } from './lib/jwks.js';
import { createKeyCache } from './lib/key-cache.js';
import { ASSERTION_HEADER, signAssertion } from './lib/assertion-signer.js';
import { requestId } from './lib/request-id.js';
import { logDecision } from './lib/decision-log.js';
import { respondBadPath, respondForbidden, respondUnauthorized, respondUnavailable } from './lib/responses.js';
import { isNormalPath, matchRoute, parseRouteTable, ruleGrants, scopeSet } from './lib/route-policy.js';
import { ROUTE_TABLE } from './lib/route-table.js';

const subtle = crypto.subtle;

/** Module-scope caches, one pair per EdgeKV namespace (normally exactly one), sharing one EdgeKV client. */
const stores = new Map();

function storesFor(config) {
  let pair = stores.get(config.edgeKvNamespace);
  if (!pair) {
    const kv = new EdgeKV({ namespace: config.edgeKvNamespace, group: config.edgeKvGroup });
    pair = {
      keyCache: createKeyCache({
        readItem: () => kv.getJson({ item: config.keyItem, default_value: null }),
        maxAgeSeconds: config.keyCacheSeconds,
      }),
      jwksStore: createJwksStore({
        readJwks: () => kv.getJson({ item: config.jwksItem, default_value: null }),
        ttlSeconds: config.jwksCacheSeconds,
      }),
    };
    stores.set(config.edgeKvNamespace, pair);
  }
  return pair;
}

/** The compiled route policy, parsed once per instance (null when the table is invalid: every request 503). */
const ROUTES = (() => {
  try {
    return parseRouteTable(ROUTE_TABLE);
  } catch {
    return null;
  }
})();

const nowSeconds = () => Math.floor(Date.now() / 1000);

function readConfig(request, handler) {
  try {
    return loadConfig((name) => request.getVariable(name));
  } catch (e) {
    logDecision(logger, { decision: 'unavailable', reason: 'config_invalid', handler });
    respondUnavailable(request, 'config_invalid');
    return null;
  }
}

function setState(request, { sub = '', scope = '', epc = '', precheck = '' }) {
  request.setVariable(STATE_VARIABLES.sub, sub);
  request.setVariable(STATE_VARIABLES.scope, scope);
  request.setVariable(STATE_VARIABLES.epc, epc);
  request.setVariable(STATE_VARIABLES.precheck, precheck);
}

/**
 * Pre-checks the bearer token. Rejections are answered here (401/503) and never reach
 * the origin; accepted requests carry their established identity in PMUSER variables.
 * @param {EW.IngressClientRequest} request
 * @returns {Promise<void>}
 */
export async function onClientRequest(request) {
  const handler = 'onClientRequest';
  try {
    request.removeHeader(ASSERTION_HEADER);
    const config = readConfig(request, handler);
    if (!config) return;
    setState(request, {});
    if (!ROUTES) {
      logDecision(logger, { decision: 'unavailable', reason: 'policy_invalid', handler });
      respondUnavailable(request, 'policy_invalid');
      return;
    }
    if (!isNormalPath(request.path)) {
      logDecision(logger, { decision: 'reject', reason: 'path_not_normal', handler });
      respondBadPath(request);
      return;
    }
    const route = matchRoute(ROUTES, request.method, request.path);

    const bearer = parseBearer(request.getHeader('Authorization'));
    if (!bearer.present) {
      if (config.bearerRequired && !route?.isPublic) {
        logDecision(logger, { decision: 'reject', reason: 'missing_token', handler });
        respondUnauthorized(request, 'missing_token');
        return;
      }
      setState(request, { precheck: PRECHECK_PASSED });
      logDecision(logger, { decision: 'pass', reason: 'no_token', handler });
      return;
    }
    if (bearer.error) {
      logDecision(logger, { decision: 'reject', reason: bearer.error, handler });
      respondUnauthorized(request, bearer.error);
      return;
    }

    const result = await precheckToken({
      subtle,
      token: bearer.token,
      config,
      now: nowSeconds(),
      jwks: config.verifyJwt ? storesFor(config).jwksStore : undefined,
    });
    if (!result.ok) {
      logDecision(logger, { decision: result.unavailable ? 'unavailable' : 'reject', reason: result.reason, handler });
      if (result.unavailable) respondUnavailable(request, result.reason);
      else respondUnauthorized(request, result.reason);
      return;
    }
    // The route policy, when this edge verified the token itself (an unverified scope claim proves nothing).
    if (result.verified && !(route && ruleGrants(route, scopeSet(result.scope)))) {
      logDecision(logger, { decision: 'reject', reason: 'scope_denied', detail: route?.source ?? 'no_rule', sub: result.sub, handler });
      respondForbidden(request);
      return;
    }
    setState(request, {
      precheck: PRECHECK_PASSED,
      sub: result.sub !== undefined ? encodeURIComponent(result.sub) : '',
      scope: result.scope ?? '',
      epc: result.verified ? 'jwt' : '',
    });
    logDecision(logger, { decision: 'pass', reason: result.verified ? 'ok' : 'ok_unverified', sub: result.sub, handler });
  } catch (e) {
    logDecision(logger, { decision: 'unavailable', reason: 'internal_error', handler });
    respondUnavailable(request, 'internal_error');
  }
}

/**
 * Replaces any client-sent assertion with a freshly signed one. Without a usable key the
 * request is answered with 503 at the edge (fail closed), never forwarded unsigned.
 * @param {EW.IngressOriginRequest} request
 * @returns {Promise<void>}
 */
export async function onOriginRequest(request) {
  const handler = 'onOriginRequest';
  try {
    request.removeHeader(ASSERTION_HEADER);
    const config = readConfig(request, handler);
    if (!config) return;

    // The pre-check must have let this request through in this very request's
    // onClientRequest (guards against a failed or skipped onClientRequest).
    const bearer = parseBearer(request.getHeader('Authorization'));
    if (request.getVariable(STATE_VARIABLES.precheck) !== PRECHECK_PASSED || bearer.error) {
      logDecision(logger, { decision: 'unavailable', reason: 'precheck_missing', handler });
      respondUnavailable(request, 'precheck_missing');
      return;
    }

    const now = nowSeconds();
    let key;
    try {
      key = await storesFor(config).keyCache.get({ subtle, now, wrapKey: request.getVariable(CONFIG_VARIABLES.wrapKey) });
    } catch (e) {
      logDecision(logger, { decision: 'unavailable', reason: 'signing_key_unavailable', detail: e?.reason ?? 'error', handler });
      respondUnavailable(request, 'signing_key_unavailable');
      return;
    }

    const sub = decodeState(request.getVariable(STATE_VARIABLES.sub));
    const scope = request.getVariable(STATE_VARIABLES.scope) || undefined;
    const epc = request.getVariable(STATE_VARIABLES.epc);
    const jti = requestId(request, CONFIG_VARIABLES.requestId, crypto);
    const assertion = await signAssertion(subtle, {
      key,
      now,
      ttlSeconds: config.assertionTtlSeconds,
      issuer: config.edgeIssuer,
      audience: config.apiAudience,
      jti,
      method: request.method,
      path: request.path,
      bearer: bearer.present ? bearer.token : undefined,
      sub,
      scope,
      epc: epc ? epc.split(',') : undefined,
    });
    request.setHeader(ASSERTION_HEADER, assertion);
    logDecision(logger, { decision: 'forward', reason: 'ok', kid: key.kid, jti, sub, htm: request.method, handler });
  } catch (e) {
    logDecision(logger, { decision: 'unavailable', reason: 'internal_error', handler });
    respondUnavailable(request, 'internal_error');
  }
}

function decodeState(value) {
  if (!value) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
