#!/usr/bin/env node
/**
 * The EdgeWorker's decision for `bin/policy explain`: reads a compiled route table on stdin and
 * prints what lib/route-policy.js decides for METHOD PATH SCOPES, and what the edge answers.
 *
 *   node scripts/policy-explain.mjs METHOD PATH "scope1 scope2" < routes.table
 */
import { readFileSync } from 'node:fs';
import { decideRoute, parseRouteTable, scopeSet } from '../lib/route-policy.js';

const [method, path, scopes = ''] = process.argv.slice(2);
const rules = parseRouteTable(readFileSync(0, 'utf8'));
const { decision, rule } = decideRoute(rules, method, path, scopeSet(scopes));
const answer = {
  allow: 'forwarded (with its assertion)',
  scope_denied: '403 scope_denied (when the edge verified the token; else forwarded, the origin decides)',
  path_not_normal: '400 path_not_normal, before any rule',
}[decision];
const padded = decision.padEnd(15);
console.log(`${padded} ${answer}${rule ? `; rule ${rule.source} ${rule.method} ${rule.pattern}` : ''}`);
