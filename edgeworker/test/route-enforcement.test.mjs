// The route policy in the handlers: the path rule (400) before anything else, public routes
// without a token, and 403 scope_denied at the edge for a token the edge verified itself.
import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { loadMain, runRequest, setEdgeKVBackend, logLines, EdgeRequest } from '../local/harness.mjs';
import { memoryBackend } from '../local/edgekv-local.mjs';
import {
  FIXTURE_NOW, KEY_ITEM, JWKS_ITEM, pmuserVariables, signingKeyItem, userClaims, issuerKey, unsignedToken,
} from '../local/fixtures.mjs';

const issuer = await issuerKey('ES256', 'ec-1');
let now;
let kv;
let main;
beforeEach(async () => {
  now = FIXTURE_NOW;
  mock.method(Date, 'now', () => now * 1000);
  kv = memoryBackend({ [KEY_ITEM]: await signingKeyItem(), [JWKS_ITEM]: { keys: [issuer.jwk] } });
  setEdgeKVBackend(kv);
  main = await loadMain();
  logLines.length = 0;
});
afterEach(() => mock.restoreAll());

const request = ({ method = 'GET', path, token, verify = 'on', variables = {} }) => new EdgeRequest({
  method,
  path,
  headers: token ? { Authorization: `Bearer ${token}` } : {},
  variables: pmuserVariables({ PMUSER_EP_VERIFY_JWT: verify, ...variables }),
  id: 'req-route',
});
const verified = (scope) => issuer.sign(userClaims(now, { scope }));

function assertRefused(r, status, reason) {
  assert.equal(r.stage, 'client', JSON.stringify(r.response));
  assert.equal(r.response.status, status);
  assert.deepEqual(JSON.parse(r.response.body).reason, reason);
  assert.deepEqual(r.response.headers['Content-Type'], ['application/json']);
}

test('verified token with the route scope (any_of) → forwarded', async () => {
  const r = await runRequest(main, request({ path: '/orders/42', token: await verified('orders:read') }));
  assert.equal(r.stage, 'forwarded', JSON.stringify(r.response));
});

test('verified token lacking the route scope → 403 scope_denied at the edge, never forwarded', async () => {
  const req = request({ method: 'POST', path: '/orders', token: await verified('orders:read') });
  const r = await runRequest(main, req);
  assertRefused(r, 403, 'scope_denied');
  assert.deepEqual(JSON.parse(r.response.body), { error: 'forbidden', reason: 'scope_denied' });
  assert.match(r.response.headers['WWW-Authenticate'][0], /error="insufficient_scope"/);
  assert.equal(req.getHeader('X-Edge-Assertion'), undefined);
  assert.ok(logLines.some((l) => l.includes('reason=scope_denied') && l.includes('detail=policy/routes.yaml:31')), logLines.join('\n'));
});

test('all_of needs every scope: one of two → 403, both → forwarded', async () => {
  assertRefused(await runRequest(main, request({ method: 'DELETE', path: '/orders/7', token: await verified('orders:write') })),
    403, 'scope_denied');
  const ok = await runRequest(main, request({ method: 'DELETE', path: '/orders/7', token: await verified('orders:admin orders:write') }));
  assert.equal(ok.stage, 'forwarded', JSON.stringify(ok.response));
});

test('verified token on a route no rule names → 403 scope_denied', async () => {
  assertRefused(await runRequest(main, request({ path: '/admin', token: await verified('orders:read orders:write orders:admin') })),
    403, 'scope_denied');
});

test('unverified pre-check (PMUSER_EP_VERIFY_JWT off): the scope claim proves nothing, the origin decides', async () => {
  const token = unsignedToken(userClaims(now, { scope: 'orders:read' }));
  const r = await runRequest(main, request({ method: 'POST', path: '/orders', token, verify: 'off' }));
  assert.equal(r.stage, 'forwarded', JSON.stringify(r.response));
});

test('public route: no token needed even when a bearer is required; a token given is still checked', async () => {
  const r = await runRequest(main, request({ path: '/health' }));
  assert.equal(r.stage, 'forwarded', JSON.stringify(r.response));
  const bad = await runRequest(main, request({ path: '/health', token: await issuer.sign(userClaims(now, { exp: now - 3600 })) }));
  assertRefused(bad, 401, 'expired');
  assertRefused(await runRequest(main, request({ path: '/orders/42' })), 401, 'missing_token');
});

for (const path of ['/orders/../admin', '/orders/1%2F..%2Fadmin', '/orders/%2e%2e/admin', '/orders//42', '/orders\\42',
  '/orders/%5C42', '/%6Frders/42']) {
  test(`path rule: ${path} → 400 path_not_normal before the token is looked at`, async () => {
    const r = await runRequest(main, request({ path, token: await verified('orders:read') }));
    assertRefused(r, 400, 'path_not_normal');
    const anonymous = await runRequest(main, request({ path }));
    assertRefused(anonymous, 400, 'path_not_normal');
    assert.equal(kv.reads, 0);
  });
}
