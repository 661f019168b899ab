// The route policy at the edge: the shipped table, the decision vectors generated from
// policy/routes.yaml (the Java suite runs the same file), a property test against a small
// reference model, the strict table parser and the path rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ROUTE_TABLE } from '../lib/route-table.js';
import {
  decideRoute, isNormalPath, parseRouteTable, ruleMatches, scopeSet, TABLE_HEADER,
} from '../lib/route-policy.js';

const repo = (p) => new URL(`../../${p}`, import.meta.url);
const vectors = JSON.parse(readFileSync(repo('policy/decision-vectors.json'), 'utf8'));
const shipped = parseRouteTable(ROUTE_TABLE);

test('the bundle carries exactly the compiled policy/routes.table', () => {
  assert.equal(ROUTE_TABLE, readFileSync(repo(vectors.table), 'utf8'));
  assert.ok(shipped.length > 0);
});

test(`decision vectors (${vectors.cases.length} cases from ${vectors.policy}): the edge decides as expected`, () => {
  const failures = [];
  for (const [method, path, scopes, decision, rule] of vectors.cases) {
    const got = decideRoute(shipped, method, path, new Set(scopes));
    if (got.decision !== decision || (got.rule?.source ?? null) !== rule) {
      failures.push(`${method} ${path} [${scopes}] expected ${decision} by ${rule}, got ${got.decision} by ${got.rule?.source ?? null}`);
    }
  }
  assert.deepEqual(failures.slice(0, 20), []);
});

test('the vectors cover every decision and every rule of the shipped policy', () => {
  const decisions = new Set(vectors.cases.map((c) => c[3]));
  assert.deepEqual([...decisions].sort(), ['allow', 'path_not_normal', 'scope_denied']);
  const rules = new Set(vectors.cases.map((c) => c[4]).filter(Boolean));
  assert.equal(rules.size, shipped.length);
});

// ---- the path rule ----

for (const path of ['/', '/orders/42', '/orders/42/', '/orders/caf%C3%A9', '/a/.b/..c/...', '/x%20y', '/x%2B',
  "/orders/42;v=1/items:batch/@x!$&'()*+,="]) {
  test(`path rule passes ${path}`, () => assert.equal(isNormalPath(path), true));
}
for (const [name, path] of [
  ['dot-dot segment', '/orders/../admin'], ['dot segment', '/orders/./42'], ['trailing dot-dot', '/orders/..'],
  ['encoded dot-dot', '/orders/%2e%2e/admin'], ['half-encoded dot-dot', '/orders/.%2E/admin'],
  ['encoded slash', '/orders/1%2F..%2Fadmin'], ['encoded slash, lower case', '/orders/1%2f2'],
  ['encoded backslash', '/orders/%5Cadmin'], ['backslash', '/orders\\admin'], ['doubled slash', '/orders//42'],
  ['leading doubled slash', '//orders/42'], ['encoded unreserved letter', '/%6Frders/42'], ['encoded tilde', '/%7E'],
  ['truncated escape', '/orders/%4'], ['bare percent', '/orders/%'], ['non-hex escape', '/orders/%zz'],
  ['relative', 'orders/42'], ['empty', ''],
]) {
  test(`path rule refuses ${name} (${path})`, () => assert.equal(isNormalPath(path), false));
}

// ---- the strict table parser ----

for (const [name, table] of [
  ['no header', 'GET\t/x\tscoped\ta\t-\tp:1\n'],
  ['another version', 'edge-perimeter-route-table 2\nGET\t/x\tscoped\ta\t-\tp:1\n'],
  ['no final newline', `${TABLE_HEADER}\nGET\t/x\tscoped\ta\t-\tp:1`],
  ['five fields', `${TABLE_HEADER}\nGET\t/x\tscoped\ta\t-\n`],
  ['lower-case method', `${TABLE_HEADER}\nget\t/x\tscoped\ta\t-\tp:1\n`],
  ['wildcard inside a segment', `${TABLE_HEADER}\nGET\t/x*\tscoped\ta\t-\tp:1\n`],
  ['wildcard not last', `${TABLE_HEADER}\nGET\t/*/x\tscoped\ta\t-\tp:1\n`],
  ['dot-dot literal', `${TABLE_HEADER}\nGET\t/x/..\tscoped\ta\t-\tp:1\n`],
  ['scoped without scopes', `${TABLE_HEADER}\nGET\t/x\tscoped\t-\t-\tp:1\n`],
  ['public with scopes', `${TABLE_HEADER}\nGET\t/x\tpublic\ta\t-\tp:1\n`],
  ['repeated scope', `${TABLE_HEADER}\nGET\t/x\tscoped\ta a\t-\tp:1\n`],
  ['blank line', `${TABLE_HEADER}\n\nGET\t/x\tscoped\ta\t-\tp:1\n`],
  ['no rules', `${TABLE_HEADER}\n`],
]) {
  test(`table parser refuses: ${name}`, () => assert.throws(() => parseRouteTable(table), /route table/));
}

// ---- property test against a reference model ----

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = (r, a) => a[Math.floor(r() * a.length)];

/** The reference model: the path rule and each pattern as regular expressions; the first match decides. */
const NOT_NORMAL = /(^|\/)\.{1,2}(\/|$)|\/\/|\\|%(?![0-9A-Fa-f]{2})|%(3[0-9]|4[1-9A-Fa-f]|5[0-9Aa]|6[1-9A-Fa-f]|7[0-9Aa]|2[DdEeFf]|5[CcFf]|7[Ee])/;
const modelNormal = (p) => p.startsWith('/') && !NOT_NORMAL.test(p);
const modelRegex = (pattern) => new RegExp(`^${pattern === '/' ? '/' : pattern.slice(1).split('/')
  .map((s) => `/${s === '*' ? '.*' : s.startsWith('{') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).join('')}$`);
function modelDecide(rules, method, path, scopes) {
  if (!modelNormal(path)) return ['path_not_normal', null];
  for (const r of rules) {
    if ((r.method === 'ANY' || r.method === method) && modelRegex(r.pattern).test(path)) {
      const ok = r.isPublic || (r.allOf.every((s) => scopes.has(s)) && (r.anyOf.length === 0 || r.anyOf.some((s) => scopes.has(s))));
      return [ok ? 'allow' : 'scope_denied', r.source];
    }
  }
  return ['scope_denied', null];
}

const LITERALS = ['a', 'b', 'orders', 'x.y', '~u', 'a-b'];
const SCOPES = ['s1', 's2', 's3'];
function randomTable(r) {
  const lines = [TABLE_HEADER];
  const n = 1 + Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    const segs = [];
    const len = Math.floor(r() * 4);
    for (let j = 0; j < len; j++) segs.push(r() < 0.3 ? `{p${j}}` : pick(r, LITERALS));
    if (r() < 0.3) segs.push('*');
    const pattern = `/${segs.join('/')}`;
    const isPublic = r() < 0.15;
    const anyOf = isPublic || r() < 0.4 ? '-' : [...new Set([pick(r, SCOPES), pick(r, SCOPES)])].join(' ');
    const allOf = isPublic || (anyOf !== '-' && r() < 0.5) ? '-' : [...new Set([pick(r, SCOPES), pick(r, SCOPES)])].join(' ');
    lines.push([pick(r, ['GET', 'POST', 'ANY']), pattern, isPublic ? 'public' : 'scoped', anyOf, allOf, `t:${i + 2}`].join('\t'));
  }
  return `${lines.join('\n')}\n`;
}
const PATH_PIECES = ['/', '/', '/', 'a', 'b', 'orders', 'x.y', '~u', '.', '..', '%2e', '%2E', '%2F', '%5c', '%41', '%C3%A9',
  '%20', '%', '%4', '\\', '42', 'a-b'];
function randomPath(r) {
  let p = r() < 0.95 ? '/' : '';
  const n = Math.floor(r() * 7);
  for (let i = 0; i < n; i++) p += pick(r, PATH_PIECES);
  return p;
}

test('property: path rule and first-match decisions equal the reference model (2,000 tables x 20 requests)', () => {
  const r = rng(0x5eed13);
  for (let t = 0; t < 2000; t++) {
    const table = randomTable(r);
    const rules = parseRouteTable(table);
    for (let i = 0; i < 20; i++) {
      const method = pick(r, ['GET', 'POST', 'PUT']);
      const path = randomPath(r);
      const scopes = new Set(SCOPES.filter(() => r() < 0.5));
      const got = decideRoute(rules, method, path, scopes);
      const want = modelDecide(rules, method, path, scopes);
      assert.deepEqual([got.decision, got.rule?.source ?? null], want, `${method} ${path} [${[...scopes]}]\n${table}`);
      assert.equal(isNormalPath(path), modelNormal(path), path);
    }
  }
});

test('a named segment never matches an empty one; the wildcard needs a segment after its slash', () => {
  const [named, wild] = parseRouteTable(`${TABLE_HEADER}\nGET\t/o/{id}\tscoped\ta\t-\tt:2\nGET\t/w/*\tscoped\ta\t-\tt:3\n`);
  assert.equal(ruleMatches(named, 'GET', '/o/'), false);
  assert.equal(ruleMatches(named, 'GET', '/o/1/2'), false);
  assert.equal(ruleMatches(wild, 'GET', '/w'), false);
  assert.equal(ruleMatches(wild, 'GET', '/w/'), true);
  assert.equal(ruleMatches(wild, 'GET', '/w/1/2'), true);
  assert.deepEqual([...scopeSet(' a  b ')], ['a', 'b']);
});
