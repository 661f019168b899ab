// onClientRequest / onOriginRequest through the unmodified main.js with local stand-ins.
import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { loadMain, runRequest, setEdgeKVBackend, logLines, EdgeRequest } from '../local/harness.mjs';
import { memoryBackend, wrapKeyItem } from '../local/edgekv-local.mjs';
import {
  FIXTURE_NOW, KEY_ITEM, SIGNING_KEY, WRAP_KEY, EDGE_ISSUER, API_AUDIENCE,
  pmuserVariables, signingKeyItem, userClaims, unsignedToken,
} from '../local/fixtures.mjs';
import { importKeyring, verifyAssertion } from '../lib/assertion-verifier.js';
import { decodeJsonObject } from '../lib/base64url.js';

const subtle = globalThis.crypto.subtle;
const keyring = await importKeyring(subtle, [{ kid: SIGNING_KEY.kid, state: 'CURRENT', k: SIGNING_KEY.k }]);
const verifierConfig = { issuers: [EDGE_ISSUER], audience: API_AUDIENCE };

let now;
let kv;
let main;
beforeEach(async () => {
  now = FIXTURE_NOW;
  mock.method(Date, 'now', () => now * 1000);
  kv = memoryBackend({ [KEY_ITEM]: await signingKeyItem() });
  setEdgeKVBackend(kv);
  main = await loadMain();
  logLines.length = 0;
});
afterEach(() => mock.restoreAll());

function request({ token, headers = {}, variables = {}, ...rest } = {}) {
  const h = { ...headers };
  if (token !== undefined) h.Authorization = `Bearer ${token}`;
  return new EdgeRequest({ method: 'GET', path: '/orders/42', query: 'x=1', headers: h, variables: pmuserVariables(variables), id: 'req-0001', ...rest });
}

function assertUnauthorized(result, reason) {
  assert.equal(result.stage, 'client');
  assert.equal(result.response.status, 401);
  assert.deepEqual(JSON.parse(result.response.body).reason, reason);
  assert.match(result.response.headers['WWW-Authenticate'][0], /^Bearer /);
  assert.deepEqual(result.response.headers['Content-Type'], ['application/json']);
}

async function verify(req, bearer) {
  return verifyAssertion(subtle, {
    assertion: req.getHeader('X-Edge-Assertion')?.[0],
    request: { method: req.method, path: req.path, bearer },
    keys: keyring,
    config: verifierConfig,
    now,
  });
}

test('missing bearer → 401 with a bare Bearer challenge, not forwarded', async () => {
  const r = await runRequest(main, request());
  assertUnauthorized(r, 'missing_token');
  assert.equal(r.response.headers['WWW-Authenticate'][0], 'Bearer realm="api"');
  assert.equal(kv.reads, 0);
});

for (const [name, header] of [
  ['non-bearer scheme', 'Basic YWxpY2U6c2VjcmV0'],
  ['two parts', 'Bearer abc.def'],
  ['garbage', 'Bearer !!!'],
  ['bearer without token', 'Bearer '],
]) {
  test(`malformed Authorization (${name}) → 401 invalid_token`, async () => {
    const r = await runRequest(main, request({ headers: { Authorization: header } }));
    assertUnauthorized(r, 'malformed_token');
    assert.match(r.response.headers['WWW-Authenticate'][0], /error="invalid_token", error_description="malformed bearer token"$/);
  });
}

test('two Authorization headers → 401', async () => {
  const t = unsignedToken(userClaims(now));
  const r = await runRequest(main, request({ headers: { Authorization: [`Bearer ${t}`, `Bearer ${t}`] } }));
  assertUnauthorized(r, 'malformed_token');
});

for (const [name, token, reason] of [
  ['header not JSON', 'bm90anNvbg.e30.c2ln', 'malformed_token'],
  ['claims not object', `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.WzEsMl0.c2ln`, 'malformed_token'],
  ['alg none', unsignedToken(userClaims(FIXTURE_NOW), { alg: 'none' }), 'bad_alg'],
  ['alg HS256', unsignedToken(userClaims(FIXTURE_NOW), { alg: 'HS256' }), 'bad_alg'],
  ['expired beyond skew', unsignedToken(userClaims(FIXTURE_NOW, { exp: FIXTURE_NOW - 30 })), 'expired'],
  ['no exp', unsignedToken(userClaims(FIXTURE_NOW, { exp: undefined })), 'malformed_token'],
  ['nbf beyond skew', unsignedToken(userClaims(FIXTURE_NOW, { nbf: FIXTURE_NOW + 31 })), 'not_yet_valid'],
  ['wrong issuer', unsignedToken(userClaims(FIXTURE_NOW, { iss: 'https://evil.example' })), 'bad_issuer'],
  ['wrong client_id', unsignedToken(userClaims(FIXTURE_NOW, { client_id: 'other' })), 'bad_audience'],
  ['wrong aud', unsignedToken(userClaims(FIXTURE_NOW, { aud: ['other'] })), 'bad_audience'],
  ['bad scope characters', unsignedToken(userClaims(FIXTURE_NOW, { scope: undefined, scp: ['a"b'] })), 'malformed_token'],
]) {
  test(`bearer ${name} → 401 ${reason}`, async () => {
    const r = await runRequest(main, request({ token }));
    assertUnauthorized(r, reason);
    assert.match(r.response.headers['WWW-Authenticate'][0], /error="invalid_token"/);
    assert.equal(kv.reads, 0, 'rejected requests never touch the signing key');
  });
}

test('exp and nbf within the 30 s skew are accepted', async () => {
  const token = unsignedToken(userClaims(now, { exp: now - 29, nbf: now + 30 }));
  const r = await runRequest(main, request({ token }));
  assert.equal(r.stage, 'forwarded');
});

test('token_use is enforced when configured', async () => {
  const token = unsignedToken(userClaims(now, { token_use: 'id' }));
  assertUnauthorized(await runRequest(main, request({ token, variables: { PMUSER_EP_TOKEN_USE: 'access' } })), 'bad_token_use');
});

test('valid bearer (no edge signature check) → forwarded with a valid assertion, no asserted identity', async () => {
  const token = unsignedToken(userClaims(now));
  const req = request({ token });
  const r = await runRequest(main, req);
  assert.equal(r.stage, 'forwarded');
  assert.equal(req.getVariable('PMUSER_EP_PRECHECK'), 'passed');
  assert.equal(req.getVariable('PMUSER_EP_SUB'), '');
  const v = await verify(req, token);
  assert.equal(v.ok, true, v.reason);
  assert.equal(v.claims.sub, undefined);
  assert.equal(v.claims.epc, undefined);
  assert.equal(v.claims.htu, '/orders/42');
  assert.equal(v.claims.jti, 'req-0001');
  assert.equal(v.claims.exp - v.claims.iat, 60);
  assert.equal(v.header.kid, SIGNING_KEY.kid);
  assert.match(logLines.at(-1), /^decision=forward reason=ok kid=local-2026-11\.a1 jti=req-0001 htm=GET handler=onOriginRequest$/);
  assert.ok(!logLines.join('\n').includes(token.split('.')[2]), 'token never logged');
});

test('client-sent X-Edge-Assertion is stripped and replaced', async () => {
  const token = unsignedToken(userClaims(now));
  const forged = 'eyJhbGciOiJIUzI1NiJ9.e30.AAAA';
  const req = request({ token, headers: { 'X-Edge-Assertion': forged, 'x-edge-assertion': forged } });
  await main.onClientRequest(req);
  assert.equal(req.getHeader('X-Edge-Assertion'), undefined);
  req.setHeader('X-Edge-Assertion', forged); // even if something re-adds it in between
  await main.onOriginRequest(req);
  const values = req.getHeader('X-Edge-Assertion');
  assert.equal(values.length, 1);
  assert.notEqual(values[0], forged);
  assert.equal((await verify(req, token)).ok, true);
});

test('optional bearer: a request without a token is forwarded with an assertion without ath', async () => {
  const req = request({ variables: { PMUSER_EP_BEARER: 'optional' }, method: 'DELETE' });
  const r = await runRequest(main, req);
  assert.equal(r.stage, 'forwarded');
  const v = await verify(req, undefined);
  assert.equal(v.ok, true, v.reason);
  assert.equal(v.claims.ath, undefined);
  assert.equal(v.claims.htm, 'DELETE');
});

test('onOriginRequest without a passed pre-check fails closed (503)', async () => {
  const req = request({ token: unsignedToken(userClaims(now)) });
  await main.onOriginRequest(req);
  assert.equal(req.response.status, 503);
  assert.equal(JSON.parse(req.response.body).reason, 'precheck_missing');
  assert.equal(req.getHeader('X-Edge-Assertion'), undefined);
});

test('one EdgeKV read serves many requests, including concurrent ones', async () => {
  const token = unsignedToken(userClaims(now));
  const reqs = Array.from({ length: 50 }, () => request({ token }));
  await Promise.all(reqs.map((r) => runRequest(main, r)));
  for (let i = 0; i < 50; i++) await runRequest(main, request({ token }));
  assert.equal(kv.reads, 1);
  for (const r of reqs) assert.equal((await verify(r, token)).ok, true);
});

test('key cache expires after 60 s and never outlives the item exp', async () => {
  const token = unsignedToken(userClaims(now, { exp: now + 100000 }));
  await runRequest(main, request({ token }));
  now += 59;
  await runRequest(main, request({ token }));
  assert.equal(kv.reads, 1);
  now += 1;
  await runRequest(main, request({ token }));
  assert.equal(kv.reads, 2);

  // An item expiring in 10 s is cached for 10 s only, then refused.
  kv.set(KEY_ITEM, await signingKeyItem(now + 10));
  now += 60;
  const before = kv.reads;
  kv.set(KEY_ITEM, await signingKeyItem(now + 10));
  await runRequest(main, request({ token }));
  now += 9;
  await runRequest(main, request({ token }));
  assert.equal(kv.reads, before + 1);
  now += 1;
  const r = await runRequest(main, request({ token }));
  assert.equal(kv.reads, before + 2);
  assert.equal(r.stage, 'origin');
  assert.equal(r.response.status, 503);
  assert.match(logLines.at(-1), /reason=signing_key_unavailable detail=key_expired/);
});

test('key rotation is picked up after the cache lifetime', async () => {
  const token = unsignedToken(userClaims(now, { exp: now + 100000 }));
  const next = { kid: 'local-2026-12.b2', k: Buffer.alloc(32, 7).toString('base64url') };
  await runRequest(main, request({ token }));
  kv.set(KEY_ITEM, await signingKeyItem(now + 86400, next));
  now += 60;
  const req = request({ token });
  await runRequest(main, req);
  const [h] = req.getHeader('X-Edge-Assertion')[0].split('.');
  assert.equal(decodeJsonObject(h).kid, next.kid);
});

for (const [name, setup, detail] of [
  ['item missing', async () => kv.delete(KEY_ITEM), 'item_missing'],
  ['EdgeKV error', async () => { kv.failNext = true; }, 'edgekv_error'],
  ['wrong wrapping key', async () => kv.set(KEY_ITEM, await wrapKeyItem({ kid: SIGNING_KEY.kid, key: SIGNING_KEY.k, wrapKey: Buffer.alloc(32, 9).toString('base64url'), exp: now + 999 })), 'unwrap_failed'],
  ['ciphertext replayed under another kid', async () => kv.set(KEY_ITEM, { ...(await signingKeyItem()), kid: 'other-kid' }), 'unwrap_failed'],
  ['item with alg HS512', async () => kv.set(KEY_ITEM, { ...(await signingKeyItem()), alg: 'HS512' }), 'item_invalid'],
  ['item expired', async () => kv.set(KEY_ITEM, await signingKeyItem(now)), 'key_expired'],
]) {
  test(`no usable key (${name}) → 503 at the edge, nothing forwarded`, async () => {
    await setup();
    const req = request({ token: unsignedToken(userClaims(now)) });
    const r = await runRequest(main, req);
    assert.equal(r.stage, 'origin');
    assert.equal(r.response.status, 503);
    assert.deepEqual(JSON.parse(r.response.body), { error: 'edge_unavailable', reason: 'signing_key_unavailable' });
    assert.equal(req.getHeader('X-Edge-Assertion'), undefined);
    assert.match(logLines.at(-1), new RegExp(`detail=${detail}`));
  });
}

test('missing wrapping key → 503', async () => {
  const r = await runRequest(main, request({ token: unsignedToken(userClaims(now)), variables: { PMUSER_EDGE_WRAP_KEY: '' } }));
  assert.equal(r.response.status, 503);
});

test('invalid configuration fails closed in both handlers', async () => {
  const bad = request({ token: unsignedToken(userClaims(now)), variables: { PMUSER_EP_EDGE_ISSUER: 'someone' } });
  const r = await runRequest(main, bad);
  assert.equal(r.stage, 'client');
  assert.equal(r.response.status, 503);
  assert.equal(JSON.parse(r.response.body).reason, 'config_invalid');
  for (const vars of [{ PMUSER_EP_ASSERTION_TTL: '301' }, { PMUSER_EP_BEARER: 'maybe' }]) {
    const r2 = await runRequest(main, request({ token: unsignedToken(userClaims(now)), variables: vars }));
    assert.equal(r2.response.status, 503);
  }
});

test('assertion lifetime follows PMUSER_EP_ASSERTION_TTL (300 allowed)', async () => {
  const token = unsignedToken(userClaims(now));
  const req = request({ token, variables: { PMUSER_EP_ASSERTION_TTL: '300' } });
  await runRequest(main, req);
  const v = await verify(req, token);
  assert.equal(v.ok, true);
  assert.equal(v.claims.exp - v.claims.iat, 300);
});

test('jti: PMUSER_EP_REQUEST_ID first, then request.id, else a random UUID', async () => {
  const token = unsignedToken(userClaims(now));
  const a = request({ token, variables: { PMUSER_EP_REQUEST_ID: 'ak-req-77' } });
  await runRequest(main, a);
  assert.equal((await verify(a, token)).claims.jti, 'ak-req-77');
  const b = request({ token, id: undefined });
  await runRequest(main, b);
  assert.match((await verify(b, token)).claims.jti, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('log lines carry no tokens, keys or assertions', async () => {
  const token = unsignedToken(userClaims(now, { sub: 'bob smith\nreason=ok' }));
  const req = request({ token });
  await runRequest(main, req);
  await runRequest(main, request({ token: unsignedToken(userClaims(now, { iss: 'x' })) }));
  const all = logLines.join('\n');
  assert.equal(logLines.length, 3); // pass + forward, reject
  for (const secret of [token, WRAP_KEY, SIGNING_KEY.k, req.getHeader('X-Edge-Assertion')[0]]) {
    assert.ok(!all.includes(secret));
  }
  for (const line of logLines) assert.match(line, /^decision=\w+ reason=\w+/);
});
