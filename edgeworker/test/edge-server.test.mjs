// The local edge server in a child process, against a tiny upstream and EdgeKV stand-in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { signingKeyItem, pmuserVariables, userClaims, unsignedToken, SIGNING_KEY, EDGE_ISSUER, API_AUDIENCE } from '../local/fixtures.mjs';
import { importKeyring, verifyAssertion } from '../lib/assertion-verifier.js';

const subtle = globalThis.crypto.subtle;
const received = [];
let kvReads = 0;
let upstream;
let edgekv;
let child;
let edgePort;

function listen(handler) {
  return new Promise((resolve) => {
    const s = http.createServer(handler);
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

before(async () => {
  const item = JSON.stringify(await signingKeyItem(Math.floor(Date.now() / 1000) + 86400));
  edgekv = await listen((req, res) => {
    kvReads++;
    if (req.url === '/edgekv/v1/networks/staging/namespaces/edge-perimeter/groups/edge-keys/items/current') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(item);
    } else res.writeHead(404).end();
  });
  upstream = await listen((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Upstream': 'yes' }).end('{"ok":true}');
    });
  });
  child = spawn(process.execPath, [fileURLToPath(new URL('../local/edge-server.mjs', import.meta.url))], {
    env: {
      ...pmuserVariables(),
      PATH: process.env.PATH,
      EDGE_PORT: '0',
      UPSTREAM_URL: `http://127.0.0.1:${upstream.address().port}`,
      EDGEKV_URL: `http://127.0.0.1:${edgekv.address().port}`,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  edgePort = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /EDGE_LISTENING port=(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`edge server exited ${code}`)));
    setTimeout(() => reject(new Error('edge server did not start')), 10_000).unref();
  });
});

after(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await new Promise((r) => upstream.close(r));
  await new Promise((r) => edgekv.close(r));
});

test('valid token: forwarded upstream with a valid assertion; client assertion replaced', async () => {
  const now = Math.floor(Date.now() / 1000);
  const token = unsignedToken(userClaims(now));
  const res = await fetch(`http://127.0.0.1:${edgePort}/orders/42?expand=items`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'X-Edge-Assertion': 'forged.by.client', 'Content-Type': 'application/json' },
    body: '{"qty":2}',
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-upstream'), 'yes');
  const got = received.at(-1);
  assert.equal(got.url, '/orders/42?expand=items');
  assert.equal(got.body, '{"qty":2}');
  assert.notEqual(got.headers['x-edge-assertion'], 'forged.by.client');
  const keys = await importKeyring(subtle, [{ kid: SIGNING_KEY.kid, state: 'CURRENT', k: SIGNING_KEY.k }]);
  const v = await verifyAssertion(subtle, {
    assertion: got.headers['x-edge-assertion'],
    request: { method: 'POST', path: '/orders/42', bearer: token },
    keys,
    config: { issuers: [EDGE_ISSUER], audience: API_AUDIENCE },
    now: Math.floor(Date.now() / 1000),
  });
  assert.equal(v.ok, true, v.reason);
  assert.ok(v.claims.ath);
});

test('bad token: 401 at the edge, never forwarded', async () => {
  const before = received.length;
  const res = await fetch(`http://127.0.0.1:${edgePort}/orders/42`, { headers: { Authorization: 'Bearer not-a-jwt' } });
  assert.equal(res.status, 401);
  assert.match(res.headers.get('www-authenticate'), /error="invalid_token"/);
  assert.deepEqual(await res.json(), { error: 'invalid_token', reason: 'malformed_token' });
  assert.equal(received.length, before);
});

test('signing key read once from the EdgeKV stand-in across requests', async () => {
  const token = unsignedToken(userClaims(Math.floor(Date.now() / 1000)));
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`http://127.0.0.1:${edgePort}/orders/${i}`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    await res.text();
  }
  assert.equal(kvReads, 1);
});
