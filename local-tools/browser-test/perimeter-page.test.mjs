// The local perimeter page in a real browser: Debian's chromium, headless, driven by playwright-core.
// Starts one local stack (./run-local, already built), then: a request through the local edge shows
// up on the timeline with the edge's and the authorizer's decisions; a forced rotation changes the
// key set; a burst of forged assertions raises the local anomaly flag. Leaves a screenshot in
// local-tools/target/browser-test/local-page.png (SCREENSHOT=path to put it elsewhere).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const target = join(root, 'local-tools/target/browser-test');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WAIT = 60_000;
const TEST_TIMEOUT = 180_000;

let stack;
let urls;
let browser;
let page;

function startStack() {
  if (!existsSync(join(root, 'local-tools/target/lib'))) {
    throw new Error('local-tools is not built: run ./mvnw -B -DskipTests package first (./run-tests does)');
  }
  mkdirSync(target, { recursive: true });
  rmSync(join(target, 'stack-logs'), { recursive: true, force: true });
  const child = spawn(join(root, 'run-local'), ['--log-dir', join(target, 'stack-logs')], {
    cwd: root,
    env: { ...process.env, REBUILD: process.env.REBUILD ?? '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const ready = new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`run-local did not start in 180 s:\n${out}\n${err}`)), 180_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Stop with Ctrl-C.')) {
        clearTimeout(timer);
        resolveReady(out);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`run-local exited with ${code}:\n${out}\n${err}`));
    });
  });
  return { child, ready };
}

function address(text, label) {
  const m = text.match(new RegExp(`^  ${label.replace(/[()]/g, '\\$&')} +(http\\S+)`, 'm'));
  assert.ok(m, `run-local printed no "${label}" address:\n${text}`);
  return m[1];
}

async function json(url, init) {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** An assertion shaped like the edge's (known kid, valid claims) whose signature is random bytes. */
function forgedAssertion(kid) {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'HS256', typ: 'edge+jwt', kid };
  const claims = { iss: 'akamai-edgeworker:1234567', aud: 'orders-api', iat: now, exp: now + 60, jti: randomUUID(), htm: 'GET', htu: '/orders/42' };
  return `${b64url(header)}.${b64url(claims)}.${randomBytes(32).toString('base64url')}`;
}

before(async () => {
  stack = startStack();
  const printed = await stack.ready;
  urls = {
    edge: address(printed, 'edge (EdgeWorker)'),
    gateway: address(printed, 'API gateway (stage)'),
    admin: address(printed, 'admin'),
    page: address(printed, 'perimeter page'),
  };
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  page = await browser.newPage({ viewport: { width: 1440, height: 760 } });
  page.setDefaultTimeout(WAIT);
}, { timeout: 240_000 });

after(async () => {
  await browser?.close();
  if (stack && stack.child.exitCode === null) {
    const exited = new Promise((r) => stack.child.once('exit', r));
    stack.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    if (stack.child.exitCode === null) stack.child.kill('SIGKILL');
  }
});

test('the page loads with an empty timeline, the bootstrapped key set and no flag', { timeout: TEST_TIMEOUT }, async () => {
  await page.goto(urls.page);
  await page.waitForSelector('body[data-loaded="true"]');
  await page.waitForSelector('#keys tr[data-state="CURRENT"]');
  assert.equal(await page.getAttribute('#anomaly', 'data-flagged'), 'false');
  assert.match(await page.textContent('#anomaly-label'), /local stand-in for the AWS anomaly detectors/);
  const material = await page.evaluate(() => fetch('/_local/page/data').then((r) => r.text()));
  assert.doesNotMatch(material, /encryptedMaterial|material/i, 'the page data never carries key material');
});

test('a request through the local edge appears on the timeline with both decisions and the backend answer', { timeout: TEST_TIMEOUT }, async () => {
  const { body: tokens } = await json(`${urls.admin}/token`);
  const response = await json(`${urls.edge}/orders/42`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const requestId = response.body.authorizer.jti;
  assert.ok(requestId, 'the backend echoes the request id (the assertion jti)');
  const row = page.locator(`#timeline tr[data-request-id="${requestId}"]`);
  await row.locator('td.answer', { hasText: '200 backend' }).waitFor();
  assert.match(await row.locator('td.edge').textContent(), /forward · ok/);
  assert.match(await row.locator('td.origin').textContent(), /Allow · ok/);
  assert.match(await row.textContent(), /GET \/prod\/orders\/42/);
  const first = await page.locator('#timeline tbody tr').first().getAttribute('data-request-id');
  assert.equal(first, requestId, 'newest first');

  // the EdgeWorker's log lines for that request, sent through the edge to log-ingest, join the row
  const batch = { v: 1, source: 'edgeworker', batchId: randomUUID(), events: [{ ts: Date.now(), reqId: requestId, level: 'info',
    msg: `decision=forward reason=ok jti=${requestId}`, ew: { id: 1234567, version: '1.0.0', handler: 'onOriginRequest' } }] };
  const ingest = await fetch(`${urls.edge}/edge/logs`, { method: 'POST', body: JSON.stringify(batch),
    headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' } });
  assert.equal(ingest.status, 200, await ingest.text());
  await row.locator('td.ingested', { hasText: `decision=forward reason=ok jti=${requestId}` }).waitFor();

  // a request the edge refuses (no user token) is a row of its own, answered at the edge
  const refused = await fetch(`${urls.edge}/orders/42`);
  assert.equal(refused.status, 401);
  await page.locator('#timeline tr[data-edge="reject"] td.edge', { hasText: 'reject · missing_token' }).first().waitFor();
  await page.locator('#edge-counters tr[data-reason="missing_token"]').waitFor();
});

test('a forced rotation changes the key set on the page', { timeout: TEST_TIMEOUT }, async () => {
  const before = await page.getAttribute('#keys tr[data-state="CURRENT"]', 'data-kid');
  await page.click('#rotate');
  await page.waitForFunction((old) => {
    const current = document.querySelector('#keys tr[data-state="CURRENT"]');
    return current && current.dataset.kid !== old;
  }, before);
  await page.waitForSelector(`#keys tr[data-kid="${before}"][data-state="PREVIOUS"]`);
  assert.notEqual(await page.textContent('#last-rotation'), '-');
});

test('a burst of forged assertions raises the local anomaly flag for bad_signature', { timeout: TEST_TIMEOUT }, async () => {
  const { body: tokens } = await json(`${urls.admin}/token`);
  // the key the first request was signed with (PREVIOUS since the rotation, still accepted): the
  // authorizer has it cached, so the forgeries fail at the signature, not at an unknown kid
  const kid = await page.getAttribute('#keys tr[data-state="PREVIOUS"]', 'data-kid');
  assert.equal(await page.getAttribute('#anomaly', 'data-flagged'), 'false');
  for (let i = 0; i < 10; i++) {
    const r = await fetch(`${urls.gateway}/orders/42`, {
      headers: { authorization: `Bearer ${tokens.access_token}`, 'x-edge-assertion': forgedAssertion(kid) },
    });
    assert.equal(r.status, 401);
    await r.arrayBuffer();
  }
  await page.waitForSelector('#anomaly[data-flagged="true"]');
  // the flag rises at the threshold (8): the page may refresh before the last two decisions are
  // logged, so wait for all ten before reading the detail
  await page.waitForFunction(() => /origin bad_signature: 10 in 60 s/.test(
    document.querySelector('#anomaly-detail')?.textContent ?? ''));
  assert.match(await page.textContent('#anomaly-detail'), /origin bad_signature: 10 in 60 s/);
  assert.equal(await page.textContent('#origin-counters tr[data-reason="bad_signature"] td.count'), '10');
  const screenshot = process.env.SCREENSHOT ?? join(target, 'local-page.png');
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: false });
});
