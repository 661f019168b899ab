#!/usr/bin/env node
/**
 * Packs the EdgeWorker bundle for `akamai edgeworkers upload --bundle`:
 * dist/edge-perimeter-edgeworker.tgz with bundle.json, main.js, lib/, edgekv.js
 * (and edgekv_tokens.js when present).
 *
 * Refuses to package the local edgekv.js shim unless --allow-shim is given (a bundle
 * with the shim fails closed with 503 on every request).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const allowShim = process.argv.includes('--allow-shim');
const isShim = readFileSync(`${root}/edgekv.js`, 'utf8').includes('EDGEKV_SHIM');
if (isShim && !allowShim) {
  console.error('edgekv.js is the local shim: replace it with Akamai\'s edgekv.js and add edgekv_tokens.js,'
    + ' or pass --allow-shim for a test bundle.');
  process.exit(1);
}
const files = ['bundle.json', 'main.js', 'lib', 'edgekv.js'];
if (existsSync(`${root}/edgekv_tokens.js`)) files.push('edgekv_tokens.js');
else if (!isShim) console.warn('warning: edgekv_tokens.js not found; Akamai\'s edgekv.js needs it');
mkdirSync(`${root}/dist`, { recursive: true });
const out = 'dist/edge-perimeter-edgeworker.tgz';
execFileSync('tar', ['-czf', out, '--owner=0', '--group=0', ...files], { cwd: root, stdio: 'inherit' });
console.log(`${out}${isShim ? ' (WITH LOCAL EDGEKV SHIM - not for production)' : ''}: ${files.join(' ')}`);
