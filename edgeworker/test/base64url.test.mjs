import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBase64url, encodeBase64url, isBase64url, utf8Decode, utf8Encode } from '../lib/base64url.js';
import { formatDecision } from '../lib/decision-log.js';

test('base64url round-trips and matches Node for all lengths 0..64', () => {
  for (let n = 0; n <= 64; n++) {
    const bytes = globalThis.crypto.getRandomValues(new Uint8Array(n));
    const enc = encodeBase64url(bytes);
    assert.equal(enc, Buffer.from(bytes).toString('base64url'));
    assert.deepEqual(decodeBase64url(enc), bytes);
  }
});

test('base64url decoder is strict', () => {
  for (const bad of ['a', 'ab==', 'ab=', 'a+b/', 'ab c', 'abcde', 'AB', 'AAB']) {
    assert.throws(() => decodeBase64url(bad), `${bad}`);
  }
  assert.equal(isBase64url(''), true);
  assert.equal(isBase64url('ab=c'), false);
});

test('UTF-8 codec matches TextEncoder/TextDecoder and rejects invalid input', () => {
  for (const s of ['', 'ascii', 'jürgen', '例え', '😀 x', '\u0000\u007f\u0080\u07ff\u0800\uffff']) {
    assert.deepEqual(utf8Encode(s), new TextEncoder().encode(s));
    assert.equal(utf8Decode(utf8Encode(s)), s);
  }
  assert.deepEqual(utf8Encode('\ud800'), new TextEncoder().encode('\ud800'));
  for (const bad of [[0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80], [0xff]]) {
    assert.throws(() => utf8Decode(Uint8Array.from(bad)), String(bad));
  }
});

test('decision log lines cannot be forged through values', () => {
  const line = formatDecision({ decision: 'pass', reason: 'ok', sub: 'x reason=forged\ndecision=forward', token: 'secret' });
  assert.equal(line, 'decision=pass reason=ok sub=x%20reason%3Dforged%0Adecision%3Dforward');
});
