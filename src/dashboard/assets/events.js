import { renderActivity } from './charts.js';
import { api, badge, el, fmtTime, showDlqDepth, showError, FINAL } from './common.js';

const form = document.getElementById('filters');
const tbody = document.querySelector('#events tbody');
const message = document.getElementById('message');
const info = document.getElementById('page-info');
const live = document.getElementById('live');
const liveText = document.getElementById('live-text');
const activity = document.getElementById('activity');
const rows = new Map();
let chartTimer;
let chartDue = 0;
let next;
let stream;
let onFirstPage = true;

function filterParams() {
  const params = new URLSearchParams();
  for (const [key, value] of new FormData(form)) if (String(value).trim()) params.set(key, String(value).trim());
  return params;
}

function row(event, fresh) {
  const tr = el(
    'tr',
    {
      class: `clickable${fresh ? ' fresh' : ''}`,
      'data-id': event.id,
      onclick: () => location.assign(`/event?id=${encodeURIComponent(event.id)}`),
    },
    el('td', { class: 'small', text: fmtTime(event.received), title: event.received }),
    el('td', { class: 'mono' }, el('a', { href: `/event?id=${encodeURIComponent(event.id)}`, text: event.type })),
    el('td', { text: event.connector }),
    el(
      'td',
      {},
      event.url ? el('span', { text: event.subject ?? '' }) : (event.subject ?? ''),
      event.title ? el('div', { class: 'muted small', text: event.title }) : null,
    ),
    el('td', { class: 'status' }, badge(event.status ?? 'pending')),
    el('td', { class: 'mono small', text: event.id }),
  );
  rows.set(event.id, { tr, status: event.status ?? 'pending' });
  return tr;
}

async function load(cursor) {
  const params = filterParams();
  if (cursor) params.set('cursor', cursor);
  params.set('limit', '50');
  message.replaceChildren();
  try {
    const started = performance.now();
    const page = await api(`/api/events?${params}`);
    rows.clear();
    tbody.replaceChildren(...page.events.map((e) => row(e, false)));
    next = page.next;
    onFirstPage = !cursor;
    document.getElementById('older').disabled = !next;
    const searched = page.events.length < 50 && page.next ? ` · searched back to ${fmtTime(page.searchedTo)}; “Older” looks further` : '';
    info.textContent = `${page.events.length} shown · ${page.scanned} read in ${Math.round(performance.now() - started)} ms${searched}`;
    if (page.searchLimited)
      message.append(
        el('div', {
          class: 'notice small',
          id: 'search-limited',
          text: `The search stopped at its limit (${page.scanned} events read, back to ${fmtTime(page.searchedTo)}); older events were not searched. “Older” searches further.`,
        }),
      );
    if (page.events.length === 0)
      tbody.append(el('tr', {}, el('td', { colspan: 6, class: 'muted', text: 'No events match. New ones appear here live.' })));
  } catch (error) {
    showError(message, error);
  }
}

function connect() {
  stream?.close();
  const params = filterParams();
  params.delete('status');
  params.delete('since');
  params.delete('until');
  stream = new EventSource(`/api/events/stream?${params}`);
  stream.addEventListener('open', () => {
    live.classList.add('on');
    liveText.textContent = 'live';
  });
  stream.addEventListener('error', () => {
    live.classList.remove('on');
    liveText.textContent = 'reconnecting…';
  });
  stream.addEventListener('expired', () => location.assign('/login'));
  stream.addEventListener('hub-event', (e) => {
    scheduleCharts(2_000);
    const event = JSON.parse(e.data);
    // Live rows go on the first page only, and only when no status filter hides new events.
    if (!onFirstPage || rows.has(event.id) || filterParams().get('status') || filterParams().get('until')) return;
    tbody.querySelector('td[colspan]')?.parentElement.remove();
    tbody.prepend(row({ ...event, status: 'pending' }, true));
  });
}

/** Redraws the charts soon after live events arrive (at most every 2 s), and every 30 s for delivery outcomes. */
function scheduleCharts(delayMs) {
  const due = Date.now() + delayMs;
  if (chartTimer && chartDue <= due) return;
  clearTimeout(chartTimer);
  chartDue = due;
  chartTimer = setTimeout(() => {
    chartTimer = undefined;
    renderActivity(activity)
      .catch((error) => showError(message, error))
      .finally(() => scheduleCharts(30_000));
  }, delayMs);
}

async function refreshStatuses() {
  const open = [...rows]
    .filter(([, r]) => !FINAL.has(r.status))
    .map(([id]) => id)
    .slice(0, 200);
  if (open.length === 0) return;
  const { statuses } = await api(`/api/statuses?ids=${open.map(encodeURIComponent).join(',')}`).catch(() => ({ statuses: {} }));
  let failed = false;
  for (const [id, status] of Object.entries(statuses)) {
    const r = rows.get(id);
    if (!r || r.status === status) continue;
    r.status = status;
    r.tr.querySelector('td.status').replaceChildren(badge(status));
    failed ||= status === 'failed';
  }
  if (failed) void showDlqDepth();
}

const { connectors } = await api('/api/connectors').catch(() => ({ connectors: [] }));
const select = form.querySelector('select[name=connector]');
for (const c of connectors) select.append(el('option', { value: c.name, text: c.name }));
const initial = new URLSearchParams(location.search);
for (const [key, value] of initial) if (form.elements[key]) form.elements[key].value = value;
form.addEventListener('submit', (e) => {
  e.preventDefault();
  history.replaceState(null, '', `/?${filterParams()}`);
  void load();
  connect();
});
document.getElementById('reset').addEventListener('click', () => {
  form.reset();
  history.replaceState(null, '', '/');
  void load();
  connect();
});
document.getElementById('older').addEventListener('click', () => next && load(next));
document.getElementById('newest').addEventListener('click', () => load());
await load();
scheduleCharts(0);
connect();
setInterval(() => void refreshStatuses(), 1500);
