/**
 * Local EdgeKV backends for the edgekv.js shim, and the key-item wrapper used by tests,
 * the bench and tools (the edge only ever unwraps).
 */
import { encodeBase64url, utf8Encode, decodeBase64url } from '../lib/base64url.js';

/**
 * In-memory backend counting reads.
 * @param {Record<string, unknown>} items keyed `namespace/group/item`; values are JSON-serialised
 */
export function memoryBackend(items = {}) {
  const store = new Map(Object.entries(items).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  const backend = async ({ namespace, group, item }) => {
    backend.reads++;
    if (backend.failNext) {
      backend.failNext = false;
      throw new Error('EdgeKV unavailable (simulated)');
    }
    return store.get(`${namespace}/${group}/${item}`) ?? null;
  };
  backend.reads = 0;
  backend.failNext = false;
  backend.set = (key, value) => store.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  backend.delete = (key) => store.delete(key);
  return backend;
}

/**
 * Backend reading `${baseUrl}/edgekv/v1/networks/{network}/namespaces/{ns}/groups/{group}/items/{item}`
 * (the local EdgeKV stand-in). 404 means "no such item".
 * @param {string} baseUrl
 * @param {{network?: string, timeoutMs?: number}} [options]
 */
export function httpBackend(baseUrl, { network = 'staging', timeoutMs = 2000 } = {}) {
  const base = baseUrl.replace(/\/+$/, '');
  return async ({ namespace, group, item }) => {
    const url = `${base}/edgekv/v1/networks/${network}/namespaces/${encodeURIComponent(namespace)}`
      + `/groups/${encodeURIComponent(group)}/items/${encodeURIComponent(item)}`;
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`EdgeKV GET ${res.status}`);
    return res.text();
  };
}

/**
 * Builds an `edge-keys/current` item in the wire format: `k` = base64url(iv || AES-256-GCM
 * ciphertext || tag) of the key material under the wrapping key, AAD = UTF-8 kid.
 * @param {object} args
 * @param {string} args.kid
 * @param {Uint8Array|string} args.key 32 bytes (or base64url of them)
 * @param {Uint8Array|string} args.wrapKey 32 bytes (or base64url of them)
 * @param {number} args.exp epoch seconds
 * @param {Uint8Array} [args.iv] 12 bytes (random by default)
 * @returns {Promise<{v: 1, kid: string, alg: 'HS256', k: string, exp: number}>}
 */
export async function wrapKeyItem({ kid, key, wrapKey, exp, iv }) {
  const subtle = globalThis.crypto.subtle;
  const raw = typeof key === 'string' ? decodeBase64url(key) : key;
  const wrap = typeof wrapKey === 'string' ? decodeBase64url(wrapKey) : wrapKey;
  const nonce = iv ?? globalThis.crypto.getRandomValues(new Uint8Array(12));
  const aes = await subtle.importKey('raw', wrap, 'AES-GCM', false, ['encrypt']);
  const ct = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: utf8Encode(kid) }, aes, raw));
  const blob = new Uint8Array(12 + ct.length);
  blob.set(nonce, 0);
  blob.set(ct, 12);
  return { v: 1, kid, alg: 'HS256', k: encodeBase64url(blob), exp };
}
