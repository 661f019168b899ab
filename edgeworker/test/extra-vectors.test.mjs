// spec/edge-assertion-v1-extra-vectors.json is exactly what the generator produces, and
// every case yields its expected outcome under the JS verifier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OUTPUT, generate, serialise } from '../scripts/gen-extra-vectors.mjs';
import { importKeyring, verifyAssertion } from '../lib/assertion-verifier.js';

const subtle = globalThis.crypto.subtle;
const stored = readFileSync(OUTPUT, 'utf8');
const doc = JSON.parse(stored);
const v1 = JSON.parse(readFileSync(new URL('../../spec/edge-assertion-v1-vectors.json', import.meta.url), 'utf8'));

test('committed extra vectors equal the generator output (deterministic)', async () => {
  assert.equal(serialise(await generate()), stored, 'run: node scripts/gen-extra-vectors.mjs');
});

test('extra vectors have the v1 vector file shape and no name clashes', () => {
  assert.deepEqual(Object.keys(doc).filter((k) => k in v1).sort(), Object.keys(v1).sort());
  assert.deepEqual(doc.config, v1.config);
  for (const c of doc.cases) {
    assert.ok(['allow', 'unauthorized'].includes(c.expect));
    assert.equal(typeof c.request.method, 'string');
    assert.equal(typeof c.assertion, 'string');
    if (c.expect === 'unauthorized') assert.equal(typeof c.reason, 'string');
  }
  const v1Names = new Set(v1.cases.map((c) => c.name));
  for (const c of doc.cases) assert.ok(!v1Names.has(c.name), `${c.name} also in v1`);
});

const ring = await importKeyring(subtle, doc.keys);
for (const c of doc.cases) {
  test(`extra vector ${c.name} → ${c.expect}${c.reason ? `/${c.reason}` : ''}`, async () => {
    const r = await verifyAssertion(subtle, { assertion: c.assertion, request: c.request, keys: ring, config: doc.config, now: doc.now });
    assert.deepEqual(r.ok ? 'allow' : `unauthorized/${r.reason}`, c.expect === 'allow' ? 'allow' : `unauthorized/${c.reason}`);
  });
}
