#!/usr/bin/env node
/**
 * Generates spec/edge-assertion-v1-extra-vectors.json: cases the v1 vectors do not cover,
 * produced with the JS signer (and, for negative cases, the low-level JWS signer), in the
 * same JSON shape as spec/edge-assertion-v1-vectors.json.
 *
 * Deterministic: fixed `now`, fixed jti values, keys derived as
 * SHA-256("edge-assertion-v1-extra/" + kid). Every case is checked against the JS
 * verifier before anything is written.
 *
 *   node scripts/gen-extra-vectors.mjs            write the file
 *   node scripts/gen-extra-vectors.mjs --check    exit 1 if the file is not up to date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeBase64url, encodeBase64urlString, utf8Encode } from '../lib/base64url.js';
import { importHmacKey, signCompactHs256 } from '../lib/jws.js';
import { assertionClaims, signAssertion } from '../lib/assertion-signer.js';
import { importKeyring, verifyAssertion } from '../lib/assertion-verifier.js';

export const OUTPUT = fileURLToPath(new URL('../../spec/edge-assertion-v1-extra-vectors.json', import.meta.url));

const subtle = globalThis.crypto.subtle;
const NOW = 1795600000;
const CONFIG = {
  issuers: ['akamai-edgeworker:1234567'],
  audience: 'orders-api',
  skewSeconds: 30,
  maxLifetimeSeconds: 300,
  maxHeaderBytes: 4096,
  mode: 'edge',
};
const KEY_STATES = [
  ['extra-2026-11.a1', 'CURRENT'],
  ['extra-2026-12.b2', 'NEXT'],
  ['extra-2026-10.c3', 'PREVIOUS'],
  ['extra-2026-09.d4', 'RETIRED'],
  ['extra-2026-08.e5', 'REVOKED'],
];

// A realistic Cognito access token (RS256-shaped; its signature is not meaningful here:
// in `edge` mode the origin does not verify the user token).
const COGNITO_TOKEN = [
  encodeBase64urlString(JSON.stringify({ kid: 'abcdEFGH1234=', alg: 'RS256' })),
  encodeBase64urlString(JSON.stringify({
    sub: '7c1f3e4a-1b2c-4d5e-8f90-a1b2c3d4e5f6',
    iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI',
    version: 2,
    client_id: '3n4b5urk1ft4fl3mg5e62d9ado',
    token_use: 'access',
    scope: 'orders:read orders:write',
    auth_time: 1795599000,
    exp: 1795602600,
    iat: 1795599000,
    jti: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e',
    username: 'alice',
  })),
  encodeBase64url(Uint8Array.from({ length: 256 }, (_, i) => (i * 37 + 11) & 255)),
].join('.');
const OTHER_TOKEN = COGNITO_TOKEN.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));

async function deriveKeys() {
  const keys = [];
  for (const [kid, state] of KEY_STATES) {
    const k = encodeBase64url(await subtle.digest('SHA-256', utf8Encode(`edge-assertion-v1-extra/${kid}`)));
    keys.push({ kid, state, k });
  }
  return keys;
}

/**
 * Builds the vector document.
 * @returns {Promise<object>}
 */
export async function generate() {
  const keys = await deriveKeys();
  const hmac = {};
  for (const key of keys) hmac[key.kid] = await importHmacKey(subtle, Buffer.from(key.k, 'base64url'));
  const signingKey = (kid = keys[0].kid) => ({ kid, cryptoKey: hmac[kid] });
  const base = { now: NOW, issuer: CONFIG.issuers[0], audience: CONFIG.audience, jti: 'extra-0001' };

  /** Signed by the production signer. */
  const viaSigner = (input, kid) => signAssertion(subtle, { ...base, key: signingKey(kid), ...input });
  /** Signed by the low-level JWS signer, for claims or headers the signer refuses to emit. */
  const raw = async (claims, header = { alg: 'HS256', typ: 'edge+jwt', kid: keys[0].kid }) =>
    signCompactHs256(subtle, hmac[keys[0].kid], header, claims);
  const claimsFor = (input) => assertionClaims({ ...base, ...input });

  const req = (method, path, bearer) => (bearer === undefined ? { method, path } : { method, path, bearer });
  const allow = (name, request, assertion, note) => ({ name, request, assertion, expect: 'allow', ...(note ? { note } : {}) });
  const deny = (name, request, assertion, reason, note) => ({ name, request, assertion, expect: 'unauthorized', reason, ...(note ? { note } : {}) });

  const cases = [
    allow('signer_minimal_iat_now', req('GET', '/orders/42'), await viaSigner({ method: 'GET', path: '/orders/42' })),
    allow('ath_real_cognito_token', req('GET', '/orders/42', COGNITO_TOKEN), await viaSigner({
      method: 'GET', path: '/orders/42', bearer: COGNITO_TOKEN, sub: '7c1f3e4a-1b2c-4d5e-8f90-a1b2c3d4e5f6', scope: 'orders:read orders:write', epc: ['jwt'],
    })),
    allow('unicode_sub', req('GET', '/orders/42', COGNITO_TOKEN), await viaSigner({
      method: 'GET', path: '/orders/42', bearer: COGNITO_TOKEN, sub: 'jürgen.müller@例え.jp 😀', epc: ['jwt'],
    }), 'sub holds non-ASCII characters, written as raw UTF-8 in the claims JSON'),
    allow('sub_with_json_escapes', req('GET', '/orders/42'), await viaSigner({ method: 'GET', path: '/orders/42', sub: 'a"b\\c/d\u0001e' }),
      'JSON escapes in a claim: \\" \\\\ and \\u0001'),
    allow('jti_max_length_128', req('GET', '/orders/42'), await viaSigner({ method: 'GET', path: '/orders/42', jti: 'j'.repeat(120) + '-0000128' })),
    allow('epc_all_checks', req('GET', '/orders/42'), await viaSigner({ method: 'GET', path: '/orders/42', epc: ['jwt', 'rate', 'geo', 'bot'] })),
    allow('scope_only', req('GET', '/orders/42'), await viaSigner({ method: 'GET', path: '/orders/42', scope: 'orders:read' })),
    ...(await Promise.all(['PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map(async (m) =>
      allow(`method_${m.toLowerCase()}`, req(m, '/orders/42'), await viaSigner({ method: m, path: '/orders/42' }))))),
    allow('path_root', req('GET', '/'), await viaSigner({ method: 'GET', path: '/' })),
    allow('path_percent_encoded_utf8', req('GET', '/orders/caf%C3%A9'), await viaSigner({ method: 'GET', path: '/orders/caf%C3%A9' })),
    allow('path_percent_encoded_slash_segment', req('GET', '/files/a%2Fb'), await viaSigner({ method: 'GET', path: '/files/a%2Fb' })),
    allow('path_sub_delims', req('POST', "/orders/42;v=1/items:batch/@x!$&'()*+,="), await viaSigner({ method: 'POST', path: "/orders/42;v=1/items:batch/@x!$&'()*+,=" })),
    allow('path_double_slash_and_dots', req('GET', '/orders//42/./x/../y'), await viaSigner({ method: 'GET', path: '/orders//42/./x/../y' }),
      'no normalisation on either side'),
    allow('lifetime_exactly_300_via_signer', req('GET', '/orders/42'), await viaSigner({ method: 'GET', path: '/orders/42', ttlSeconds: 300 })),
    allow('lifetime_1', req('GET', '/orders/42'), await viaSigner({ method: 'GET', path: '/orders/42', ttlSeconds: 1 })),
    allow('next_key_via_signer', req('GET', '/orders/42'), await viaSigner({ method: 'GET', path: '/orders/42' }, keys[1].kid)),
    allow('previous_key_via_signer', req('GET', '/orders/42'), await viaSigner({ method: 'GET', path: '/orders/42' }, keys[2].kid)),
    allow('ath_present_without_bearer', req('GET', '/orders/42'), await viaSigner({ method: 'GET', path: '/orders/42', bearer: COGNITO_TOKEN }),
      'ath is only checked when the request carries a bearer token'),
    allow('header_key_order_differs', req('GET', '/orders/42'), await raw(claimsFor({ method: 'GET', path: '/orders/42' }), { kid: keys[0].kid, typ: 'edge+jwt', alg: 'HS256' }),
      'header member order is not significant to a verifier'),
    allow('header_jku_ignored', req('GET', '/orders/42'), await raw(claimsFor({ method: 'GET', path: '/orders/42' }), { alg: 'HS256', typ: 'edge+jwt', kid: keys[0].kid, jku: 'https://attacker.example/jwks.json' }),
      'jku/jwk/x5u/x5c are never used to find a key'),

    deny('jti_129_chars', req('GET', '/orders/42'), await raw({ ...claimsFor({ method: 'GET', path: '/orders/42' }), jti: 'j'.repeat(129) }), 'malformed'),
    deny('epc_as_string', req('GET', '/orders/42'), await raw({ ...claimsFor({ method: 'GET', path: '/orders/42' }), epc: 'jwt' }), 'malformed'),
    deny('epc_with_number', req('GET', '/orders/42'), await raw({ ...claimsFor({ method: 'GET', path: '/orders/42' }), epc: ['jwt', 1] }), 'malformed'),
    deny('sub_as_number', req('GET', '/orders/42'), await raw({ ...claimsFor({ method: 'GET', path: '/orders/42' }), sub: 42 }), 'malformed'),
    deny('scope_as_array', req('GET', '/orders/42'), await raw({ ...claimsFor({ method: 'GET', path: '/orders/42' }), scope: ['orders:read'] }), 'malformed'),
    deny('iat_fractional', req('GET', '/orders/42'), await raw({ ...claimsFor({ method: 'GET', path: '/orders/42' }), iat: NOW + 0.5 }), 'malformed'),
    deny('typ_upper_case', req('GET', '/orders/42'), await raw(claimsFor({ method: 'GET', path: '/orders/42' }), { alg: 'HS256', typ: 'EDGE+JWT', kid: keys[0].kid }), 'bad_typ'),
    deny('crit_empty_array', req('GET', '/orders/42'), await raw(claimsFor({ method: 'GET', path: '/orders/42' }), { alg: 'HS256', typ: 'edge+jwt', kid: keys[0].kid, crit: [] }), 'crit'),
    deny('retired_key_via_signer', req('GET', '/orders/42'), await viaSigner({ method: 'GET', path: '/orders/42' }, keys[3].kid), 'key_inactive'),
    deny('revoked_key_via_signer', req('GET', '/orders/42'), await viaSigner({ method: 'GET', path: '/orders/42' }, keys[4].kid), 'key_inactive'),
    deny('lifetime_301_raw', req('GET', '/orders/42'), await raw({ ...claimsFor({ method: 'GET', path: '/orders/42' }), exp: NOW + 301 }), 'lifetime_too_long'),
    deny('put_signed_post_sent', req('POST', '/orders/42'), await viaSigner({ method: 'PUT', path: '/orders/42' }), 'method_mismatch'),
    deny('path_decoded_vs_encoded', req('GET', '/orders/caf%C3%A9'), await viaSigner({ method: 'GET', path: '/orders/café' }), 'path_mismatch'),
    deny('path_encoded_slash_vs_slash', req('GET', '/files/a/b'), await viaSigner({ method: 'GET', path: '/files/a%2Fb' }), 'path_mismatch'),
    deny('path_lower_vs_upper_hex', req('GET', '/orders/caf%C3%A9'), await viaSigner({ method: 'GET', path: '/orders/caf%c3%a9' }), 'path_mismatch'),
    deny('path_case', req('GET', '/orders/42'), await viaSigner({ method: 'GET', path: '/Orders/42' }), 'path_mismatch'),
    deny('bearer_without_ath', req('GET', '/orders/42', COGNITO_TOKEN), await viaSigner({ method: 'GET', path: '/orders/42', sub: 'alice' }), 'ath_missing'),
    deny('ath_of_other_real_token', req('GET', '/orders/42', COGNITO_TOKEN), await viaSigner({ method: 'GET', path: '/orders/42', bearer: OTHER_TOKEN }), 'ath_mismatch'),
  ];

  const doc = {
    contract: 'edge-origin v1, section 2 (edge mode: user token not verified) - extra cases',
    generator: 'edgeworker/scripts/gen-extra-vectors.mjs (JS signer; keys = SHA-256("edge-assertion-v1-extra/" + kid))',
    config: CONFIG,
    now: NOW,
    keys,
    cases,
  };
  await selfCheck(doc);
  return doc;
}

/** Refuses to emit a vector the JS verifier disagrees with. */
async function selfCheck(doc) {
  const ring = await importKeyring(subtle, doc.keys);
  const names = new Set();
  for (const c of doc.cases) {
    if (names.has(c.name)) throw new Error(`duplicate case ${c.name}`);
    names.add(c.name);
    const r = await verifyAssertion(subtle, { assertion: c.assertion, request: c.request, keys: ring, config: doc.config, now: doc.now });
    const got = r.ok ? 'allow' : `unauthorized/${r.reason}`;
    const want = c.expect === 'allow' ? 'allow' : `unauthorized/${c.reason}`;
    if (got !== want) throw new Error(`case ${c.name}: verifier says ${got}, expected ${want}`);
  }
}

/** Serialises the document the way the file is stored. */
export function serialise(doc) {
  return `${JSON.stringify(doc, null, 1)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = serialise(await generate());
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(OUTPUT, 'utf8');
    } catch { /* missing */ }
    if (current !== text) {
      console.error(`${OUTPUT} is out of date; run: node scripts/gen-extra-vectors.mjs`);
      process.exit(1);
    }
    console.log('extra vectors up to date');
  } else {
    writeFileSync(OUTPUT, text);
    console.log(`wrote ${OUTPUT}`);
  }
}
