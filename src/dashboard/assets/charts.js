// Server-rendered SVG charts (see /api/charts/*), placed inline so their <title>/<desc> reach screen
// readers, each with a data table behind a <details> for anyone who cannot read the picture.
import { api, el } from './common.js';

/** Parses the server's SVG as XML (never as HTML) and adopts it into the page. */
export function svgNode(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = doc.documentElement;
  if (root.nodeName !== 'svg') throw new Error('chart: not an SVG');
  return document.importNode(root, true);
}

const clock = (iso) => iso.slice(11, 16);

function table(caption, head, rows) {
  return el(
    'details',
    { class: 'chart-data' },
    el('summary', { class: 'small muted', text: `${caption} as a table` }),
    el(
      'table',
      {},
      el('caption', { class: 'small muted', text: caption }),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          head.map((h) => el('th', { scope: 'col', text: h })),
        ),
      ),
      el(
        'tbody',
        {},
        rows.length
          ? rows.map((r) =>
              el(
                'tr',
                {},
                r.map((c, i) => el(i === 0 ? 'th' : 'td', i === 0 ? { scope: 'row', text: String(c) } : { text: String(c) })),
              ),
            )
          : el('tr', {}, el('td', { colspan: head.length, class: 'muted', text: 'No activity.' })),
      ),
    ),
  );
}

/** Events per minute by connector and delivery outcomes, last hour. */
export async function renderActivity(root) {
  const data = await api('/api/charts/events');
  const active = data.buckets.filter(
    (b) => Object.keys(b.events).length > 0 || b.outcomes.delivered + b.outcomes.retrying + b.outcomes.deadLettered > 0,
  );
  const rows = active.map((b) => [
    `${clock(b.start)} UTC`,
    ...data.connectors.map((c) => b.events[c] ?? 0),
    b.outcomes.delivered,
    b.outcomes.retrying,
    b.outcomes.deadLettered,
  ]);
  root.replaceChildren(
    el('figure', { class: 'chart', 'data-chart': 'events' }, svgNode(data.svg.events)),
    el('figure', { class: 'chart', 'data-chart': 'outcomes' }, svgNode(data.svg.outcomes)),
    table('Minutes with activity, last hour', ['Minute', ...data.connectors, 'delivered', 'retrying', 'dead-lettered'], rows),
    ...(data.truncated
      ? [el('p', { class: 'muted small', text: 'Busy hour: the charts count the most recent events and jobs only.' })]
      : []),
  );
}

/** Latency (p50, p99) and error rate per channel, last 24 h. */
export async function renderChannelCharts(root) {
  const { channels } = await api('/api/charts/channels');
  root.replaceChildren(
    ...channels.map((ch) =>
      el(
        'div',
        { class: 'panel', 'data-channel-chart': ch.name },
        el('h2', { text: ch.name }),
        el('p', { class: 'small', text: ch.summary }),
        el('figure', { class: 'chart', 'data-chart': 'latency' }, svgNode(ch.svg.latency)),
        el('figure', { class: 'chart', 'data-chart': 'errors' }, svgNode(ch.svg.errors)),
        table(
          `${ch.name}, hours with attempts`,
          ['Hour', 'attempts', 'p50 ms', 'p99 ms', 'error rate'],
          ch.hours
            .filter((h) => h.attempts > 0)
            .map((h) => [`${clock(h.start)} UTC`, h.attempts, h.p50Ms ?? '', h.p99Ms ?? '', `${(h.errorRate * 100).toFixed(1)}%`]),
        ),
      ),
    ),
  );
}
