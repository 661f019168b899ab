#!/usr/bin/env node
/**
 * Local edge: an HTTP server on loopback that runs the unmodified main.js with thin
 * stand-ins for the Akamai runtime, then forwards the request (with the headers as
 * onOriginRequest left them) to UPSTREAM_URL.
 *
 * Environment:
 *   EDGE_PORT      port to listen on (0 = any free port; default 0); prints
 *                  `EDGE_LISTENING port=<n>` on stdout once listening
 *   EDGE_HOST      bind address (default 127.0.0.1)
 *   UPSTREAM_URL   origin base URL, e.g. http://127.0.0.1:8080 (the local API gateway)
 *   EDGEKV_URL     EdgeKV stand-in base URL; items are read with
 *                  GET {EDGEKV_URL}/edgekv/v1/networks/staging/namespaces/{ns}/groups/{group}/items/{item}
 *   PMUSER_*       Property Manager variables (see README)
 *   EW_LOG=stdout  also print EdgeWorker log lines
 *
 * Not a CDN: no caching (every request runs onClientRequest then onOriginRequest).
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadMain, setEdgeKVBackend, EdgeRequest } from './harness.mjs';
import { httpBackend } from './edgekv-local.mjs';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length']);
const MAX_BODY = 10 * 1024 * 1024;

/**
 * Starts the local edge.
 * @param {object} options
 * @param {string} options.upstreamUrl
 * @param {string} options.edgekvUrl
 * @param {Record<string, string>} options.variables PMUSER_* values
 * @param {number} [options.port=0]
 * @param {string} [options.host='127.0.0.1']
 * @returns {Promise<{port: number, close: () => Promise<void>}>}
 */
export async function startEdgeServer({ upstreamUrl, edgekvUrl, variables, port = 0, host = '127.0.0.1' }) {
  if (!upstreamUrl || !edgekvUrl) throw new Error('UPSTREAM_URL and EDGEKV_URL are required');
  setEdgeKVBackend(httpBackend(edgekvUrl));
  const main = await loadMain({ fresh: false });
  const upstream = new URL(upstreamUrl);

  const server = http.createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      // the raw path as the client sent it (as the EdgeWorkers runtime hands it over): a URL parser
      // would resolve dot segments and decode %2e, hiding what the path rule must see
      const target = rawTarget(req.url);
      const headers = {};
      for (const [name, values] of Object.entries(req.headersDistinct)) {
        if (!HOP_BY_HOP.has(name)) headers[name] = values;
      }
      const ewRequest = new EdgeRequest({
        method: req.method,
        path: target.path,
        query: target.query,
        host: req.headers.host ?? 'localhost',
        scheme: 'http',
        headers,
        variables: { ...variables },
        id: randomUUID(),
      });

      await main.onClientRequest(ewRequest);
      if (!ewRequest.response) await main.onOriginRequest(ewRequest);
      if (ewRequest.response) {
        const { status, headers: h, body: b } = ewRequest.response;
        res.writeHead(status, Object.fromEntries(Object.entries(h).map(([k, v]) => [k, v])));
        res.end(b);
        return;
      }
      forward(upstream, ewRequest, body, res);
    } catch (e) {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'local_edge_error', message: String(e?.message ?? e) }));
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    port: server.address().port,
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Splits an origin-form request target into its raw path and query. */
function rawTarget(url) {
  if (!url.startsWith('/')) {
    const parsed = new URL(url, 'http://edge.local');
    return { path: parsed.pathname, query: parsed.search.slice(1) };
  }
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

function forward(upstream, ewRequest, body, res) {
  const headers = {};
  for (const [name, values] of ewRequest.headers) headers[name] = values.length === 1 ? values[0] : values;
  headers.host = upstream.host;
  if (body.length) headers['content-length'] = String(body.length);
  const basePath = upstream.pathname.replace(/\/+$/, '');
  const out = http.request({
    protocol: upstream.protocol,
    hostname: upstream.hostname,
    port: upstream.port,
    method: ewRequest.method,
    path: basePath + ewRequest.url,
    headers,
  }, (up) => {
    const h = { ...up.headers };
    for (const name of ['connection', 'keep-alive', 'transfer-encoding']) delete h[name];
    res.writeHead(up.statusCode ?? 502, h);
    up.pipe(res);
  });
  out.on('error', (e) => {
    if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: 'upstream_unreachable', message: e.message }));
  });
  out.end(body);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const variables = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('PMUSER_')));
  const edge = await startEdgeServer({
    upstreamUrl: process.env.UPSTREAM_URL,
    edgekvUrl: process.env.EDGEKV_URL,
    variables,
    port: Number(process.env.EDGE_PORT ?? 0),
    host: process.env.EDGE_HOST ?? '127.0.0.1',
  });
  process.stdout.write(`EDGE_LISTENING port=${edge.port}\n`);
  const stop = () => edge.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
