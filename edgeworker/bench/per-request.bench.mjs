#!/usr/bin/env node
/**
 * Per-request cost of onClientRequest + onOriginRequest, in µs, on this machine's Node
 * (the EdgeWorkers runtime differs; use it as a relative measure against the 20 ms CPU
 * budget). Scenarios: warm key cache; cold (EdgeKV read + AES-GCM unwrap each request);
 * warm with JWKS signature verification (RS256, ES256); the route policy refusing a verified token
 * at the edge (403 scope_denied); and the route policy's decision alone (path rule + first match on
 * the shipped table).
 *
 *   node bench/per-request.bench.mjs [--smoke] [--iterations N]
 */
import { loadMain, setEdgeKVBackend, EdgeRequest } from '../local/harness.mjs';
import { memoryBackend } from '../local/edgekv-local.mjs';
import { decideRoute, parseRouteTable, scopeSet } from '../lib/route-policy.js';
import { ROUTE_TABLE } from '../lib/route-table.js';
import { KEY_ITEM, JWKS_ITEM, pmuserVariables, signingKeyItem, userClaims, unsignedToken, issuerKey } from '../local/fixtures.mjs';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const iterIdx = args.indexOf('--iterations');
const iterations = iterIdx >= 0 ? Number(args[iterIdx + 1]) : smoke ? 20 : 2000;
const warmup = smoke ? 5 : 200;

let clock = Math.floor(Date.now() / 1000);
const realNow = Date.now;
Date.now = () => clock * 1000;

const rsa = await issuerKey('RS256', 'rsa-1');
const ec = await issuerKey('ES256', 'ec-1');
const kv = memoryBackend({
  [KEY_ITEM]: await signingKeyItem(clock + 365 * 86400),
  [JWKS_ITEM]: { keys: [rsa.jwk, ec.jwk] },
});
setEdgeKVBackend(kv);

const scenarios = [
  { name: 'warm (key cached, no JWKS verify)', token: () => unsignedToken(userClaims(clock, { exp: clock + 10 ** 7 })), vars: {} },
  { name: 'cold (EdgeKV read + unwrap)', token: () => unsignedToken(userClaims(clock, { exp: clock + 10 ** 7 })), vars: {}, cold: true },
  { name: 'warm + RS256 JWKS verify', token: () => rsa.sign(userClaims(clock, { exp: clock + 10 ** 7 })), vars: { PMUSER_EP_VERIFY_JWT: 'on' } },
  { name: 'warm + ES256 JWKS verify', token: () => ec.sign(userClaims(clock, { exp: clock + 10 ** 7 })), vars: { PMUSER_EP_VERIFY_JWT: 'on' } },
  {
    name: 'ES256 verify + policy 403 (edge)',
    token: () => ec.sign(userClaims(clock, { exp: clock + 10 ** 7, scope: 'orders:read' })),
    vars: { PMUSER_EP_VERIFY_JWT: 'on' },
    method: 'POST',
    path: '/orders',
    expectStatus: 403,
  },
];

const results = [];
for (const s of scenarios) {
  const main = await loadMain();
  const token = await s.token();
  const variables = pmuserVariables(s.vars);
  const one = async () => {
    if (s.cold) clock += 61; // past the 60 s key-cache lifetime: forces EdgeKV read + unwrap
    const req = new EdgeRequest({ method: s.method ?? 'GET', path: s.path ?? '/orders/42', headers: { Authorization: `Bearer ${token}` }, variables, id: 'bench' });
    const t0 = process.hrtime.bigint();
    await main.onClientRequest(req);
    if (!req.response) await main.onOriginRequest(req);
    const dt = Number(process.hrtime.bigint() - t0) / 1000;
    if ((req.response?.status ?? 0) !== (s.expectStatus ?? 0)) {
      throw new Error(`${s.name}: unexpected ${req.response?.status} ${req.response?.body}`);
    }
    return dt;
  };
  for (let i = 0; i < warmup; i++) await one();
  const readsBefore = kv.reads;
  const samples = [];
  for (let i = 0; i < iterations; i++) samples.push(await one());
  samples.sort((a, b) => a - b);
  const pct = (p) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))];
  results.push({
    scenario: s.name,
    iterations,
    mean_us: round(samples.reduce((a, b) => a + b, 0) / samples.length),
    p50_us: round(pct(50)),
    p99_us: round(pct(99)),
    edgekv_reads: kv.reads - readsBefore,
  });
}
Date.now = realNow;

// The route policy's decision alone: path rule + first match on the shipped table, over a mix of
// requests (granted, refused by scope, no rule, refused by the path rule).
{
  const rules = parseRouteTable(ROUTE_TABLE);
  const mix = [
    ['GET', '/orders/42', scopeSet('orders:read')],
    ['POST', '/orders', scopeSet('orders:read')],
    ['DELETE', '/orders/42', scopeSet('orders:write orders:admin')],
    ['GET', '/orders/42/items/7/detail', scopeSet('orders:read')],
    ['GET', '/admin/users', scopeSet('orders:read')],
    ['GET', '/orders/1%2F..%2Fadmin', scopeSet('orders:read')],
  ];
  const rounds = smoke ? 2000 : 200000;
  let sink = 0;
  for (let i = 0; i < rounds / 10; i++) for (const [m, p, sc] of mix) sink += decideRoute(rules, m, p, sc).decision.length;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) for (const [m, p, sc] of mix) sink += decideRoute(rules, m, p, sc).decision.length;
  const perOp = Number(process.hrtime.bigint() - t0) / 1000 / (rounds * mix.length);
  if (sink === 0) throw new Error('unreachable');
  const parses = smoke ? 200 : 20000;
  const p0 = process.hrtime.bigint();
  for (let i = 0; i < parses; i++) sink += parseRouteTable(ROUTE_TABLE).length;
  const perParse = Number(process.hrtime.bigint() - p0) / 1000 / parses;
  results.push({ scenario: 'route table parse (once per instance)', iterations: parses, mean_us: Math.round(perParse * 1000) / 1000,
    p50_us: '-', p99_us: '-', edgekv_reads: 0 });
  results.push({ scenario: 'route policy decision only', iterations: rounds * mix.length, mean_us: Math.round(perOp * 1000) / 1000,
    p50_us: '-', p99_us: '-', edgekv_reads: 0 });
}

const pad = (v, n) => String(v).padEnd(n);
console.log(`${pad('scenario', 38)}${pad('iter', 9)}${pad('mean µs', 10)}${pad('p50 µs', 10)}${pad('p99 µs', 10)}edgekv reads`);
for (const r of results) {
  console.log(`${pad(r.scenario, 38)}${pad(r.iterations, 9)}${pad(r.mean_us, 10)}${pad(r.p50_us, 10)}${pad(r.p99_us, 10)}${r.edgekv_reads}`);
}
console.log(JSON.stringify({ bench: 'edgeworker-per-request', node: process.version, smoke, results }));

function round(x) {
  return Math.round(x * 10) / 10;
}
