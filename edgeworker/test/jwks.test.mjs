// Edge verification of user-token signatures against the EdgeKV JWKS (RS256/ES256/PS256),
// with keys generated in-test through Web Crypto.
import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { loadMain, runRequest, setEdgeKVBackend, EdgeRequest } from '../local/harness.mjs';
import { memoryBackend } from '../local/edgekv-local.mjs';
import {
  FIXTURE_NOW, KEY_ITEM, JWKS_ITEM, SIGNING_KEY, EDGE_ISSUER, API_AUDIENCE,
  pmuserVariables, signingKeyItem, userClaims, issuerKey, unsignedToken,
} from '../local/fixtures.mjs';
import { importKeyring, verifyAssertion } from '../lib/assertion-verifier.js';

const subtle = globalThis.crypto.subtle;
const keyring = await importKeyring(subtle, [{ kid: SIGNING_KEY.kid, state: 'CURRENT', k: SIGNING_KEY.k }]);
const issuers = {
  RS256: await issuerKey('RS256', 'rsa-1'),
  ES256: await issuerKey('ES256', 'ec-1'),
  PS256: await issuerKey('PS256', 'pss-1'),
};
const stranger = await issuerKey('ES256', 'ec-1'); // same kid, different key

let now;
let kv;
let main;
beforeEach(async () => {
  now = FIXTURE_NOW;
  mock.method(Date, 'now', () => now * 1000);
  kv = memoryBackend({
    [KEY_ITEM]: await signingKeyItem(),
    [JWKS_ITEM]: { keys: Object.values(issuers).map((i) => i.jwk) },
  });
  setEdgeKVBackend(kv);
  main = await loadMain();
});
afterEach(() => mock.restoreAll());

const request = (token, variables = {}) => new EdgeRequest({
  method: 'GET',
  path: '/orders/42',
  headers: { Authorization: `Bearer ${token}` },
  variables: pmuserVariables({ PMUSER_EP_VERIFY_JWT: 'on', ...variables }),
  id: 'req-jwks',
});

for (const alg of Object.keys(issuers)) {
  test(`${alg}: valid signature → forwarded; sub, scope and epc asserted`, async () => {
    const token = await issuers[alg].sign(userClaims(now));
    const req = request(token);
    const r = await runRequest(main, req);
    assert.equal(r.stage, 'forwarded', JSON.stringify(r.response));
    assert.equal(req.getVariable('PMUSER_EP_SUB'), 'alice-0001');
    assert.equal(req.getVariable('PMUSER_EP_SCOPE'), 'orders:read orders:write');
    assert.equal(req.getVariable('PMUSER_EP_EPC'), 'jwt');
    const v = await verifyAssertion(subtle, {
      assertion: req.getHeader('X-Edge-Assertion')[0],
      request: { method: 'GET', path: '/orders/42', bearer: token },
      keys: keyring,
      config: { issuers: [EDGE_ISSUER], audience: API_AUDIENCE },
      now,
    });
    assert.equal(v.ok, true, v.reason);
    assert.equal(v.claims.sub, 'alice-0001');
    assert.equal(v.claims.scope, 'orders:read orders:write');
    assert.deepEqual(v.claims.epc, ['jwt']);
  });

  test(`${alg}: tampered claims → 401 bad_signature`, async () => {
    const token = await issuers[alg].sign(userClaims(now));
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify(userClaims(now, { sub: 'mallory' }))).toString('base64url')}.${s}`;
    const r = await runRequest(main, request(forged));
    assert.equal(r.response.status, 401);
    assert.equal(JSON.parse(r.response.body).reason, 'bad_signature');
    assert.match(r.response.headers['WWW-Authenticate'][0], /error="invalid_token", error_description="token signature invalid"/);
  });
}

test('signature by another key under a known kid → 401 bad_signature', async () => {
  const r = await runRequest(main, request(await stranger.sign(userClaims(now))));
  assert.equal(JSON.parse(r.response.body).reason, 'bad_signature');
});

test('unknown kid → 401 unknown_kid; JWKS re-read at most once per 30 s', async () => {
  const other = await issuerKey('ES256', 'ec-unknown');
  const token = await other.sign(userClaims(now));
  const r1 = await runRequest(main, request(token));
  assert.equal(JSON.parse(r1.response.body).reason, 'unknown_kid');
  const readsAfterFirst = kv.reads;
  for (let i = 0; i < 10; i++) await runRequest(main, request(token));
  assert.equal(kv.reads, readsAfterFirst, 'no EdgeKV read per unknown-kid request');

  // The issuer publishes the key: it is accepted once the refresh window allows.
  kv.set(JWKS_ITEM, { keys: [...Object.values(issuers).map((i) => i.jwk), other.jwk] });
  now += 30;
  const r2 = await runRequest(main, request(await other.sign(userClaims(now))));
  assert.equal(r2.stage, 'forwarded');
});

test('alg/key-type confusion: RS256 header with an EC kid → unknown_kid', async () => {
  const es = await issuers.ES256.sign(userClaims(now), { alg: 'RS256' });
  const r = await runRequest(main, request(es));
  assert.equal(JSON.parse(r.response.body).reason, 'unknown_kid');
});

test('token without kid → unknown_kid; unsigned token → rejected', async () => {
  const noKid = unsignedToken(userClaims(now), { alg: 'RS256' });
  assert.equal(JSON.parse((await runRequest(main, request(noKid))).response.body).reason, 'unknown_kid');
  const dummySig = unsignedToken(userClaims(now), { alg: 'RS256', kid: 'rsa-1' });
  assert.equal(JSON.parse((await runRequest(main, request(dummySig))).response.body).reason, 'bad_signature');
});

test('RSA keys shorter than 2048 bits are not used', async () => {
  const weak = await subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
  const jwk = { ...(await subtle.exportKey('jwk', weak.publicKey)), kid: 'weak' };
  kv.set(JWKS_ITEM, { keys: [jwk] });
  const input = `${Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'weak' })).toString('base64url')}.${Buffer.from(JSON.stringify(userClaims(now))).toString('base64url')}`;
  const sig = Buffer.from(await subtle.sign('RSASSA-PKCS1-v1_5', weak.privateKey, Buffer.from(input))).toString('base64url');
  const r = await runRequest(main, request(`${input}.${sig}`));
  assert.equal(JSON.parse(r.response.body).reason, 'unknown_kid');
});

test('JWKS unavailable → 503 (fail closed), not 401', async () => {
  kv.delete(JWKS_ITEM);
  const r = await runRequest(main, request(await issuers.ES256.sign(userClaims(now))));
  assert.equal(r.stage, 'client');
  assert.equal(r.response.status, 503);
  assert.equal(JSON.parse(r.response.body).reason, 'jwks_unavailable');
});

test('JWKS read once across many requests', async () => {
  const token = await issuers.RS256.sign(userClaims(now));
  for (let i = 0; i < 20; i++) assert.equal((await runRequest(main, request(token))).stage, 'forwarded');
  assert.equal(kv.reads, 2); // one JWKS read + one signing-key read
});

test('Cognito scp array is normalised to a space-separated scope', async () => {
  const token = await issuers.ES256.sign(userClaims(now, { scope: undefined, scp: ['orders:read', 'admin'] }));
  const req = request(token);
  await runRequest(main, req);
  assert.equal(req.getVariable('PMUSER_EP_SCOPE'), 'orders:read admin');
});

test('unicode sub survives the PMUSER round trip', async () => {
  const token = await issuers.ES256.sign(userClaims(now, { sub: 'jürgen-😀 x' }));
  const req = request(token);
  await runRequest(main, req);
  const claims = JSON.parse(Buffer.from(req.getHeader('X-Edge-Assertion')[0].split('.')[1], 'base64url').toString('utf8'));
  assert.equal(claims.sub, 'jürgen-😀 x');
});

test('attack: JWKS key whose key_ops exclude "verify" (an encryption key) is not used → unknown_kid', async () => {
  kv.set(JWKS_ITEM, { keys: [{ ...issuers.RS256.jwk, use: undefined, key_ops: ['encrypt'] }] });
  const r = await runRequest(main, request(await issuers.RS256.sign(userClaims(now))));
  assert.equal(r.stage, 'client');
  assert.equal(JSON.parse(r.response.body).reason, 'unknown_kid');
  kv.set(JWKS_ITEM, { keys: [{ ...issuers.RS256.jwk, use: undefined, key_ops: ['verify'] }] });
  now += 300; // past the JWKS cache lifetime
  assert.equal((await runRequest(main, request(await issuers.RS256.sign(userClaims(now))))).stage, 'forwarded');
});

test('attack: JWKS kid collision (two keys under one kid) → neither is guessed, unknown_kid (as the origin)', async () => {
  kv.set(JWKS_ITEM, { keys: [issuers.ES256.jwk, stranger.jwk] });
  for (const signer of [issuers.ES256, stranger]) {
    const r = await runRequest(main, request(await signer.sign(userClaims(now))));
    assert.equal(r.stage, 'client');
    assert.equal(JSON.parse(r.response.body).reason, 'unknown_kid');
  }
});
