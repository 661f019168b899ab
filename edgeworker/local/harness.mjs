/**
 * Loads the unmodified main.js with the local Akamai stand-ins (used by tests, bench and
 * the local edge server) and runs requests through its handlers.
 */
import { register } from 'node:module';

register('./akamai/hooks.mjs', import.meta.url);

const { setEdgeKVBackend } = await import('../edgekv.js');
const { lines: logLines } = await import('./akamai/log.mjs');
const { EdgeRequest } = await import('./akamai/request.mjs');

export { setEdgeKVBackend, logLines, EdgeRequest };

let generation = 0;

/**
 * Imports a fresh instance of main.js (fresh module-scope caches) unless `shared` is set.
 * @param {{fresh?: boolean}} [options]
 * @returns {Promise<{onClientRequest: Function, onOriginRequest: Function}>}
 */
export async function loadMain({ fresh = true } = {}) {
  const url = new URL('../main.js', import.meta.url);
  if (fresh) url.search = `instance=${++generation}`;
  return import(url.href);
}

/**
 * Runs onClientRequest then (if not answered) onOriginRequest, as the edge does on a
 * cache miss.
 * @param {{onClientRequest: Function, onOriginRequest: Function}} main
 * @param {EdgeRequest} request
 * @returns {Promise<{stage: 'client'|'origin'|'forwarded', response: object|null}>}
 */
export async function runRequest(main, request) {
  await main.onClientRequest(request);
  if (request.response) return { stage: 'client', response: request.response };
  await main.onOriginRequest(request);
  if (request.response) return { stage: 'origin', response: request.response };
  return { stage: 'forwarded', response: null };
}
