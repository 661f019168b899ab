/**
 * EdgeKV helper — LOCAL SHIM (marker: EDGEKV_SHIM).
 *
 * API-compatible subset of Akamai's `edgekv.js` helper library, which customers vendor into
 * their EdgeWorker bundle together with `edgekv_tokens.js`:
 *
 *   const kv = new EdgeKV({ namespace: 'edge-perimeter', group: 'edge-keys' });
 *   const value = await kv.getJson({ item: 'current', default_value: null });
 *
 * Before uploading to Akamai, REPLACE this file with Akamai's `edgekv.js`
 * (https://github.com/akamai/edgeworkers-examples/tree/master/edgekv/lib) and add the
 * generated `edgekv_tokens.js`; `npm run bundle` refuses to package this shim unless
 * `--allow-shim` is given. Without a backend (i.e. deployed by mistake) every read
 * throws, so the EdgeWorker fails closed (503) instead of signing with nothing.
 *
 * Locally (tests, bench, local edge server) a backend is installed with
 * {@link setEdgeKVBackend}.
 */

/**
 * @typedef {(req: {namespace: string, group: string, item: string, timeout?: number}) => Promise<string|null>} EdgeKVBackend
 *   returns the item's text, or null when the item does not exist
 */

/** @type {EdgeKVBackend|null} */
let backend = null;

/**
 * Installs the backend used by every {@link EdgeKV} instance (local use only).
 * @param {EdgeKVBackend|null} fn
 */
export function setEdgeKVBackend(fn) {
  backend = fn;
}

/** Subset of Akamai's EdgeKV class: `getText` and `getJson`. */
export class EdgeKV {
  /**
   * @param {string|{namespace?: string, group?: string}} [namespace='default']
   * @param {string} [group='default']
   */
  constructor(namespace = 'default', group = 'default') {
    if (typeof namespace === 'object' && namespace !== null) {
      this.namespace = namespace.namespace ?? 'default';
      this.group = namespace.group ?? 'default';
    } else {
      this.namespace = namespace;
      this.group = group;
    }
  }

  /**
   * @param {{item: string, default_value?: string|null, timeout?: number}} args
   * @returns {Promise<string|null>}
   */
  async getText({ item, default_value = null, timeout } = {}) {
    if (!backend) throw new Error('edgekv.js shim has no backend: replace it with Akamai\'s edgekv.js');
    const text = await backend({ namespace: this.namespace, group: this.group, item, timeout });
    return text === null || text === undefined ? default_value : text;
  }

  /**
   * @param {{item: string, default_value?: unknown, timeout?: number}} args
   * @returns {Promise<unknown>}
   */
  async getJson({ item, default_value = null, timeout } = {}) {
    const text = await this.getText({ item, default_value: null, timeout });
    return text === null ? default_value : JSON.parse(text);
  }
}
