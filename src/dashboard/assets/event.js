import { api, badge, el, fmtTime, isAdmin, showDlqDepth, showError, FINAL } from './common.js';

const id = new URLSearchParams(location.search).get('id') ?? '';
const root = document.getElementById('event');
const message = document.getElementById('message');
let pollUntil = 0;
let polling = false;

const kv = (pairs) =>
  el(
    'dl',
    { class: 'kv' },
    pairs.filter(([, v]) => v !== undefined && v !== '').flatMap(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)]),
  );

/** The event's `url` comes from the provider payload: only an http(s) URL becomes a link (never `javascript:`). */
function externalLink(url) {
  let protocol;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = '';
  }
  return protocol === 'http:' || protocol === 'https:'
    ? el('a', { href: url, rel: 'noreferrer', target: '_blank', text: url })
    : el('span', { class: 'mono', text: url });
}

function attemptItem(a) {
  const head = el(
    'div',
    {},
    el('strong', { text: `#${a.attempt}` }),
    ' ',
    badge(a.outcome),
    ' ',
    a.status !== undefined
      ? el('span', { class: 'mono', text: `HTTP ${a.status}` })
      : a.label
        ? el('span', { class: 'mono', text: a.label })
        : '',
    ' ',
    a.latencyMs !== undefined ? el('span', { class: 'muted', text: `${a.latencyMs} ms` }) : '',
    ' ',
    el('span', { class: 'muted small', text: fmtTime(a.time) }),
    a.cycle > 0 ? el('span', { class: 'muted small', text: ` · after replay ${a.cycle}` }) : '',
  );
  return el(
    'li',
    { class: a.outcome, 'data-outcome': a.outcome },
    head,
    a.error ? el('div', { class: 'small', text: a.error }) : null,
    a.warning ? el('div', { class: 'small', text: `warning: ${a.warning}` }) : null,
    a.response
      ? el('details', {}, el('summary', { class: 'small muted', text: 'response' }), el('pre', { class: 'hint', text: a.response }))
      : null,
  );
}

function jobPanel(job) {
  return el(
    'div',
    { class: 'panel job', 'data-job': job.id, 'data-state': job.state },
    el('div', {}, el('strong', { text: `${job.rule} → ${job.action ?? 'action'} #${job.index}` }), ' ', badge(job.state)),
    el('div', { class: 'mono small muted', text: job.id }),
    job.deadReason ? el('div', { class: 'notice error small', text: `dead-lettered: ${job.deadReason}` }) : null,
    job.attempts.length
      ? el('ul', { class: 'timeline' }, job.attempts.map(attemptItem))
      : el('p', { class: 'muted', text: 'No attempt yet.' }),
    job.params
      ? el(
          'details',
          {},
          el('summary', { class: 'small muted', text: 'rendered params' }),
          el('pre', { text: JSON.stringify(job.params, null, 2) }),
        )
      : null,
  );
}

function ruleRow(r) {
  const why = r.reason ? `${r.reason}${r.failed ? `: ${JSON.stringify(r.failed)}` : ''}` : r.errors ? JSON.stringify(r.errors) : '';
  return el(
    'tr',
    {},
    el('td', { text: r.rule ?? '(none)' }),
    el('td', {}, badge(r.outcome), r.replay ? el('span', { class: 'muted small', text: ' replay' }) : ''),
    el('td', { class: 'small', text: why }),
    el('td', { class: 'small muted', text: fmtTime(r.time) }),
  );
}

async function replay(dryRun) {
  if (!dryRun && !confirm('Replay this event through the current rules? Delivered jobs are not sent again.')) return;
  try {
    const result = await api(`/api/events/${encodeURIComponent(id)}/replay`, { method: 'POST', body: { dryRun } });
    const lines = result.jobs.map((j) => `${j.rule} → ${j.action}: ${j.decision}`);
    const text = `${dryRun ? 'Dry run' : 'Replayed'}: ${lines.length ? lines.join('; ') : 'no rule matches now'}${result.errors.length ? ` · ${result.errors.length} action(s) could not be rendered` : ''}`;
    message.replaceChildren(el('div', { class: 'notice', role: 'status', id: 'replay-result', text: text }));
    if (!dryRun) {
      pollUntil = Date.now() + 60_000;
      if (!polling) void tick();
    }
  } catch (error) {
    showError(message, error);
  }
}

let shown = '';

async function render() {
  const d = await api(`/api/events/${encodeURIComponent(id)}`);
  const s = d.summary;
  // Re-render only on change, so an open <details> (a response body) stays open while polling.
  const snapshot = JSON.stringify(d);
  if (snapshot === shown) return s.status;
  // A change after the first render (a retry, a replay) may have moved the DLQ count too.
  if (shown) void showDlqDepth();
  shown = snapshot;
  document.title = `hookhub · ${s.type}`;
  const buttons = el(
    'div',
    { class: 'actions' },
    el('button', { type: 'button', id: 'dry-run', onclick: () => replay(true), text: 'Dry run' }),
    isAdmin() ? el('button', { type: 'button', id: 'replay', class: 'primary', onclick: () => replay(false), text: 'Replay' }) : null,
  );
  root.replaceChildren(
    el('h1', {}, el('span', { class: 'mono', text: s.type }), ' ', el('span', { id: 'status' }, badge(s.status))),
    el(
      'div',
      { class: 'panel' },
      kv([
        ['Id', el('span', { class: 'mono', text: s.id })],
        ['Connector', s.connector],
        ['Subject', s.subject],
        ['Title', s.title],
        ['Actor', s.actor],
        ['Link', s.url ? externalLink(s.url) : undefined],
        ['Provider time', fmtTime(s.time)],
        ['Received', fmtTime(s.received)],
      ]),
      el('br'),
      buttons,
    ),
    el('h2', { text: 'Matched rules' }),
    d.rules.length
      ? el(
          'table',
          {},
          el(
            'thead',
            {},
            el('tr', {}, el('th', { text: 'Rule' }), el('th', { text: 'Outcome' }), el('th', { text: 'Why' }), el('th', { text: 'When' })),
          ),
          el('tbody', {}, d.rules.map(ruleRow)),
        )
      : el('p', { class: 'muted', text: 'Not routed yet.' }),
    el('h2', { text: 'Deliveries' }),
    d.jobs.length ? el('div', { id: 'jobs' }, d.jobs.map(jobPanel)) : el('p', { class: 'muted', text: 'No jobs.' }),
    el('h2', { text: 'Request headers' }),
    d.request
      ? el(
          'div',
          { class: 'panel' },
          kv(Object.entries(d.request.headers).map(([k, v]) => [k, el('span', { class: 'mono small', text: v })])),
        )
      : el('p', {
          class: 'muted',
          text: 'Not among the requests this hub process saw recently (headers are kept in memory, secrets masked).',
        }),
    el('h2', { text: 'Payload' }),
    el('pre', { id: 'payload', text: JSON.stringify(d.event.data, null, 2) }),
    el(
      'details',
      {},
      el('summary', { class: 'muted small', text: 'CloudEvent attributes' }),
      el('pre', { text: JSON.stringify({ ...d.event, data: '…' }, null, 2) }),
    ),
  );
  return s.status;
}

async function tick() {
  polling = true;
  try {
    const status = await render();
    if (!FINAL.has(status) || Date.now() < pollUntil) return void setTimeout(tick, 1500);
  } catch (error) {
    showError(message, error);
  }
  polling = false;
}
await tick();
