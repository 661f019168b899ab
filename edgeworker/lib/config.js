/**
 * Configuration from Property Manager user variables (`PMUSER_*`), with defaults.
 *
 * Every variable must be declared in the property (initial value empty unless noted)
 * and must never be set from client input by a property rule.
 */

/** Names of the Property Manager variables read as configuration. */
export const CONFIG_VARIABLES = Object.freeze({
  oidcIssuer: 'PMUSER_EP_OIDC_ISSUER',
  oidcAudience: 'PMUSER_EP_OIDC_AUDIENCE',
  tokenUse: 'PMUSER_EP_TOKEN_USE',
  edgeIssuer: 'PMUSER_EP_EDGE_ISSUER',
  apiAudience: 'PMUSER_EP_API_AUDIENCE',
  bearer: 'PMUSER_EP_BEARER',
  verifyJwt: 'PMUSER_EP_VERIFY_JWT',
  assertionTtl: 'PMUSER_EP_ASSERTION_TTL',
  skew: 'PMUSER_EP_SKEW_SECONDS',
  edgeKvNamespace: 'PMUSER_EP_EDGEKV_NAMESPACE',
  requestId: 'PMUSER_EP_REQUEST_ID',
  wrapKey: 'PMUSER_EDGE_WRAP_KEY',
});

/** Variables the EdgeWorker writes in onClientRequest and reads in onOriginRequest. */
export const STATE_VARIABLES = Object.freeze({
  precheck: 'PMUSER_EP_PRECHECK',
  sub: 'PMUSER_EP_SUB',
  scope: 'PMUSER_EP_SCOPE',
  epc: 'PMUSER_EP_EPC',
});

/** Value of {@link STATE_VARIABLES.precheck} once onClientRequest let a request through. */
export const PRECHECK_PASSED = 'passed';

/** Defaults used when a variable is unset or empty. */
export const DEFAULTS = Object.freeze({
  oidcIssuer: '',
  oidcAudiences: Object.freeze([]),
  tokenUse: '',
  edgeIssuer: '',
  apiAudience: '',
  bearerRequired: true,
  verifyJwt: false,
  assertionTtlSeconds: 60,
  skewSeconds: 30,
  edgeKvNamespace: 'edge-perimeter',
  edgeKvGroup: 'edge-keys',
  keyItem: 'current',
  jwksItem: 'jwks',
  keyCacheSeconds: 60,
  jwksCacheSeconds: 300,
});

/** Upper bound of an assertion's lifetime fixed by the contract (`exp - iat`). */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;

/** Thrown for missing or invalid configuration; the handlers fail closed (HTTP 503). */
export class ConfigError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * @typedef {object} EdgeConfig
 * @property {string} oidcIssuer        expected `iss` of user tokens
 * @property {string[]} oidcAudiences   accepted `aud` (or Cognito `client_id`) values
 * @property {string} tokenUse          required Cognito `token_use` (empty: not checked)
 * @property {string} edgeIssuer        `iss` of the edge assertion, `akamai-edgeworker:<id>`
 * @property {string} apiAudience       `aud` of the edge assertion
 * @property {boolean} bearerRequired   reject requests without a bearer token
 * @property {boolean} verifyJwt        verify user-token signatures against the EdgeKV JWKS
 * @property {number} assertionTtlSeconds lifetime of the edge assertion (1–300)
 * @property {number} skewSeconds       clock skew allowed on user-token times (0–300)
 * @property {string} edgeKvNamespace
 * @property {string} edgeKvGroup
 * @property {string} keyItem
 * @property {string} jwksItem
 * @property {number} keyCacheSeconds
 * @property {number} jwksCacheSeconds
 */

const EDGE_ISSUER = /^akamai-edgeworker:[0-9]{1,12}$/;
const KV_NAME = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Reads and validates the configuration.
 * @param {(name: string) => (string|undefined|null)} getVariable e.g. `n => request.getVariable(n)`
 * @returns {Readonly<EdgeConfig>}
 * @throws {ConfigError}
 */
export function loadConfig(getVariable) {
  const get = (name) => {
    const value = getVariable(name);
    return typeof value === 'string' ? value.trim() : '';
  };
  const v = CONFIG_VARIABLES;

  const config = {
    ...DEFAULTS,
    oidcIssuer: get(v.oidcIssuer) || DEFAULTS.oidcIssuer,
    oidcAudiences: splitList(get(v.oidcAudience)) || DEFAULTS.oidcAudiences,
    tokenUse: get(v.tokenUse) || DEFAULTS.tokenUse,
    edgeIssuer: get(v.edgeIssuer) || DEFAULTS.edgeIssuer,
    apiAudience: get(v.apiAudience) || DEFAULTS.apiAudience,
    bearerRequired: parseChoice(get(v.bearer), v.bearer, { required: true, optional: false }, DEFAULTS.bearerRequired),
    verifyJwt: parseChoice(get(v.verifyJwt), v.verifyJwt, { on: true, true: true, off: false, false: false }, DEFAULTS.verifyJwt),
    assertionTtlSeconds: parseIntIn(get(v.assertionTtl), v.assertionTtl, 1, MAX_ASSERTION_LIFETIME_SECONDS, DEFAULTS.assertionTtlSeconds),
    skewSeconds: parseIntIn(get(v.skew), v.skew, 0, 300, DEFAULTS.skewSeconds),
    edgeKvNamespace: get(v.edgeKvNamespace) || DEFAULTS.edgeKvNamespace,
  };

  if (!config.oidcIssuer) throw new ConfigError(`${v.oidcIssuer} is not set`);
  if (config.oidcAudiences.length === 0) throw new ConfigError(`${v.oidcAudience} is not set`);
  if (!EDGE_ISSUER.test(config.edgeIssuer)) throw new ConfigError(`${v.edgeIssuer} must be akamai-edgeworker:<id>`);
  if (!config.apiAudience) throw new ConfigError(`${v.apiAudience} is not set`);
  if (!KV_NAME.test(config.edgeKvNamespace)) throw new ConfigError(`${v.edgeKvNamespace} is invalid`);
  return Object.freeze(config);
}

/** @returns {string[]|null} */
function splitList(raw) {
  if (!raw) return null;
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  return items.length ? Object.freeze(items) : null;
}

function parseChoice(raw, name, choices, fallback) {
  if (!raw) return fallback;
  const key = raw.toLowerCase();
  if (!Object.prototype.hasOwnProperty.call(choices, key)) {
    throw new ConfigError(`${name} must be one of ${Object.keys(choices).join('|')}`);
  }
  return choices[key];
}

function parseIntIn(raw, name, min, max, fallback) {
  if (!raw) return fallback;
  if (!/^[0-9]{1,6}$/.test(raw)) throw new ConfigError(`${name} must be an integer`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name} must be within ${min}..${max}`);
  return n;
}
