// The contract's v1 vectors: the JS verifier yields every expected outcome and reason,
// and the JS signer re-produces the ALLOW assertions byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeJsonObject } from '../lib/base64url.js';
import { importHmacKey, tryDecodeBase64url } from '../lib/jws.js';
import { importKeyring, verifyAssertion } from '../lib/assertion-verifier.js';
import { signAssertion } from '../lib/assertion-signer.js';

const subtle = globalThis.crypto.subtle;
const vectors = JSON.parse(readFileSync(new URL('../../spec/edge-assertion-v1-vectors.json', import.meta.url), 'utf8'));
const keyring = await importKeyring(subtle, vectors.keys);

test('vector file shape is what the tests expect', () => {
  assert.equal(vectors.config.mode, 'edge');
  assert.ok(vectors.cases.length >= 50);
});

for (const c of vectors.cases) {
  test(`verify vector ${c.name} → ${c.expect}${c.reason ? `/${c.reason}` : ''}`, async () => {
    const result = await verifyAssertion(subtle, {
      assertion: c.assertion,
      request: c.request,
      keys: keyring,
      config: vectors.config,
      now: vectors.now,
    });
    if (c.expect === 'allow') assert.deepEqual(result.ok, true, `got ${result.reason}`);
    else assert.deepEqual({ ok: result.ok, reason: result.reason }, { ok: false, reason: c.reason });
  });
}

/**
 * Re-signs an ALLOW vector from its request and the claims the signer controls. A vector
 * is reproducible when its claims are exactly what the signer emits for those inputs.
 */
async function resign(c) {
  const [h, p] = c.assertion.split('.');
  const header = decodeJsonObject(h);
  const claims = decodeJsonObject(p);
  const vk = vectors.keys.find((k) => k.kid === header.kid);
  const key = { kid: vk.kid, cryptoKey: await importHmacKey(subtle, tryDecodeBase64url(vk.k)) };
  return signAssertion(subtle, {
    key,
    now: claims.iat, // the vector's clock at signing time
    ttlSeconds: claims.exp - claims.iat,
    issuer: claims.iss,
    audience: claims.aud,
    jti: claims.jti,
    method: c.request.method,
    path: c.request.path,
    bearer: c.request.bearer,
    sub: claims.sub,
    scope: claims.scope,
    epc: claims.epc,
  });
}

// The only ALLOW vector the signer cannot emit: it carries claims the signer never writes.
const NOT_REPRODUCIBLE = new Map([['unknown_claims_ignored', 'carries claims (foo, n) the signer never emits']]);

for (const c of vectors.cases.filter((v) => v.expect === 'allow')) {
  const skip = NOT_REPRODUCIBLE.get(c.name) ?? false;
  test(`signer re-produces ALLOW vector ${c.name} byte for byte`, { skip }, async () => {
    assert.equal(await resign(c), c.assertion);
  });
}

// Step 1 as strictly as the origin's parser: iat/exp written as JSON integers (no fraction, no
// exponent), and no duplicate member names (they make an object ambiguous) → malformed.
const minimal = vectors.cases.find((c) => c.name === 'minimal');
const [minimalHeader, minimalClaims] = minimal.assertion.split('.').slice(0, 2).map((s) => Buffer.from(s, 'base64url').toString('utf8'));

/** Signs raw header and claims JSON text (byte for byte) with the minimal vector's key. */
async function signRawJson(headerText, claimsText) {
  const input = `${Buffer.from(headerText).toString('base64url')}.${Buffer.from(claimsText).toString('base64url')}`;
  const key = keyring.get(JSON.parse(minimalHeader).kid);
  const sig = new Uint8Array(await subtle.sign('HMAC', key.cryptoKey, new TextEncoder().encode(input)));
  return `${input}.${Buffer.from(sig).toString('base64url')}`;
}

async function verifyRawJson(headerText, claimsText) {
  const assertion = await signRawJson(headerText, claimsText);
  const r = await verifyAssertion(subtle, { assertion, request: minimal.request, keys: keyring, config: vectors.config, now: vectors.now });
  return r.ok ? 'allow' : r.reason;
}

const withClaims = (edit) => [minimalHeader, edit(minimalClaims)];
const STRICT_JSON_CASES = [
  ['iat with a zero fraction (1.0 form)', withClaims((t) => t.replace('"iat":1795599995', '"iat":1795599995.0')), 'malformed'],
  ['exp with a zero fraction', withClaims((t) => t.replace('"exp":1795600055', '"exp":1795600055.0')), 'malformed'],
  ['iat in exponent form (1e9 form)', withClaims((t) => t.replace('"iat":1795599995', '"iat":1.795599995e9')), 'malformed'],
  ['exp in upper-case exponent form', withClaims((t) => t.replace('"exp":1795600055', '"exp":1795600055E0')), 'malformed'],
  ['duplicate claim, same value', withClaims((t) => t.replace(/}$/, ',"iat":1795599995}')), 'malformed'],
  ['duplicate claim spelled with an escape', withClaims((t) => t.replace(/}$/, ',"h\\u0074u":"/orders/42"}')), 'malformed'],
  ['duplicate name inside an unknown nested claim', withClaims((t) => t.replace(/}$/, ',"foo":{"a":1,"a":2}}')), 'malformed'],
  ['duplicate header member', [minimalHeader.replace(/}$/, ',"alg":"HS256"}'), minimalClaims], 'malformed'],
  ['control: the minimal vector re-signed', [minimalHeader, minimalClaims], 'allow'],
  ['control: same names in different objects are not duplicates', withClaims((t) => t.replace(/}$/, ',"foo":{"iat":1.5,"exp":1e9},"bar":[{"a":1},{"a":2}]}')), 'allow'],
  ['control: a fraction and a duplicate inside a string value', withClaims((t) => t.replace(/}$/, ',"sub":"\\"iat\\":1.0,\\"iat\\":1e9 {\\\\"}')), 'allow'],
  ['control: whitespace around members', withClaims((t) => t.replace('"iat":1795599995', ' "iat" : 1795599995 ')), 'allow'],
];

for (const [name, [headerText, claimsText], expected] of STRICT_JSON_CASES) {
  test(`strict JSON: ${name} → ${expected}`, async () => {
    assert.equal(await verifyRawJson(headerText, claimsText), expected);
  });
}
