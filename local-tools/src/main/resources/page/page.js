// The local perimeter page: polls /_local/page/data and renders it. Every value is set as text
// (never as HTML), so log contents cannot inject markup.
'use strict';

const $ = (id) => document.getElementById(id);

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (className) e.className = className;
  return e;
}

function tag(text, kind) {
  return el('span', text, `tag ${kind}`);
}

function cell(row, ...children) {
  const td = document.createElement('td');
  for (const c of children) td.append(c);
  row.append(td);
  return td;
}

function edgeCell(edge) {
  if (!edge) return el('span', 'direct (no edge)', 'none');
  const kind = edge.decision === 'forward' || edge.decision === 'pass' ? 'ok' : edge.decision === 'reject' ? 'bad' : 'warn';
  return tag(`${edge.decision} · ${edge.reason}`, kind);
}

function originCell(origin) {
  if (!origin) return el('span', '-', 'none');
  const kind = origin.decision === 'Allow' ? 'ok' : 'bad';
  return tag(`${origin.decision} · ${origin.reason}${origin.degraded ? ' · degraded' : ''}`, kind);
}

function answerCell(backend) {
  if (!backend) return el('span', '-', 'none');
  const text = backend.status !== undefined ? `${backend.status} ${backend.by}` : backend.answer;
  const ok = backend.status !== undefined && backend.status < 400;
  return tag(text, ok ? 'ok' : 'bad');
}

function renderTimeline(rows) {
  const body = $('timeline').tBodies[0];
  body.replaceChildren();
  $('timeline-empty').hidden = rows.length > 0;
  for (const r of rows) {
    const tr = document.createElement('tr');
    if (r.requestId) tr.dataset.requestId = r.requestId;
    tr.dataset.edge = r.edge ? r.edge.decision : '';
    tr.dataset.origin = r.origin ? `${r.origin.decision} ${r.origin.reason}` : '';
    const time = el('span', r.time.slice(11, 19), 'mono');
    time.title = r.time;
    cell(tr, time);
    const id = el('span', r.requestId ? `${r.requestId.slice(0, 8)}…` : '-', r.requestId ? 'mono' : 'none');
    if (r.requestId) id.title = r.requestId;
    cell(tr, id);
    cell(tr, el('span', [r.method, r.path].filter(Boolean).join(' ') || '-', 'mono'));
    cell(tr, edgeCell(r.edge)).className = 'edge';
    cell(tr, originCell(r.origin)).className = 'origin';
    cell(tr, answerCell(r.backend)).className = 'answer';
    const logs = cell(tr);
    logs.className = 'ingested';
    for (const line of r.ingested) {
      logs.append(el('div', `${line.level ?? line.kind ?? ''} ${line.text}`.trim(), 'mono'));
    }
    body.append(tr);
  }
}

function renderCounters(id, counters) {
  const body = $(id).tBodies[0];
  body.replaceChildren();
  for (const c of counters) {
    const tr = document.createElement('tr');
    tr.dataset.reason = c.reason;
    cell(tr, el('span', c.decision));
    cell(tr, el('span', c.reason, 'mono'));
    cell(tr, el('span', c.count)).className = 'count';
    body.append(tr);
  }
}

function renderKeys(keys) {
  $('keyset-name').textContent = keys.keySet;
  const body = $('keys').tBodies[0];
  body.replaceChildren();
  for (const k of keys.items) {
    const tr = document.createElement('tr');
    tr.dataset.kid = k.kid;
    tr.dataset.state = k.state;
    cell(tr, el('span', k.kid, 'mono'));
    cell(tr, tag(k.state, k.state === 'CURRENT' ? 'ok' : k.state === 'REVOKED' ? 'bad' : 'warn'));
    body.append(tr);
  }
  $('last-rotation').textContent = keys.lastRotation ?? '-';
}

function renderAnomaly(a) {
  const box = $('anomaly');
  box.dataset.flagged = String(a.flagged);
  const hot = a.reasons.filter((r) => r.flagged);
  $('anomaly-state').textContent = a.flagged ? 'UNUSUAL REJECTIONS' : 'no unusual rejections';
  $('anomaly-detail').textContent = hot.map((r) => `${r.reason}: ${r.latest} in ${a.windowSeconds} s (threshold ${r.threshold})`).join('; ');
  $('anomaly-label').textContent = a.label;
}

let busy = false;

async function refresh() {
  if (busy) return;
  busy = true;
  try {
    const response = await fetch('/_local/page/data', { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const data = await response.json();
    renderTimeline(data.rows);
    renderCounters('edge-counters', data.counters.edge);
    renderCounters('origin-counters', data.counters.origin);
    renderKeys(data.keys);
    renderAnomaly(data.anomaly);
    $('updated').textContent = `Updated ${data.now}.`;
    document.body.dataset.loaded = 'true';
  } catch (e) {
    $('updated').textContent = `Update failed: ${e.message}`;
  } finally {
    busy = false;
  }
}

$('rotate').addEventListener('click', async () => {
  $('rotate').disabled = true;
  $('rotate-result').textContent = 'rotating ...';
  try {
    const response = await fetch('/_local/rotate', { method: 'POST' });
    const body = await response.json();
    $('rotate-result').textContent = body.functionError ? 'rotation failed' : `now CURRENT: ${body.kid ?? '?'}`;
  } catch (e) {
    $('rotate-result').textContent = `rotation failed: ${e.message}`;
  } finally {
    $('rotate').disabled = false;
    refresh();
  }
});

refresh();
setInterval(refresh, 1000);
