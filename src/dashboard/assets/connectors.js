import { renderChannelCharts } from './charts.js';
import { api, badge, el, eventLink, fmtTime, showError } from './common.js';

const grid = document.getElementById('connectors');
const channels = document.querySelector('#channels tbody');
const message = document.getElementById('message');

function card(c) {
  const a = c.answers;
  return el(
    'div',
    { class: 'panel', 'data-connector': c.name },
    el('h2', {}, c.name, ' ', el('span', { class: 'muted small', text: `type ${c.type}` })),
    el(
      'dl',
      { class: 'kv' },
      el('dt', { text: 'Webhook URL' }),
      el('dd', { class: 'mono small', text: c.url }),
      el('dt', { text: 'Content types' }),
      el('dd', { class: 'small', text: c.contentTypes.join(', ') }),
      el('dt', { text: 'Last event' }),
      el(
        'dd',
        {},
        c.lastEvent
          ? [eventLink(c.lastEvent.id, c.lastEvent.type), el('div', { class: 'muted small', text: fmtTime(c.lastEvent.received) })]
          : el('span', { class: 'muted', text: 'none recently' }),
      ),
      el('dt', { text: 'Answers' }),
      el('dd', {}, `${a.accepted} accepted · ${a.rejected} rejected · ${a.failed} failed`),
      el('dt', { text: 'Last error' }),
      el(
        'dd',
        {},
        a.lastError
          ? [
              badge('error'),
              ` HTTP ${a.lastError.status} · ${fmtTime(a.lastError.time)}`,
              el('div', { class: 'small', text: a.lastError.hint }),
            ]
          : el('span', { class: 'muted', text: 'none since start' }),
      ),
    ),
    c.setup ? el('details', {}, el('summary', { text: 'Setup' }), el('pre', { class: 'hint', text: c.setup })) : null,
  );
}

function channelRow(ch) {
  const r = ch.recent;
  const last = r.lastAttempt;
  return el(
    'tr',
    { 'data-channel': ch.name },
    el('td', { text: ch.name }),
    el('td', { text: ch.type }),
    el('td', { class: 'mono small', text: ch.target }),
    el(
      'td',
      {},
      badge(ch.circuit),
      el('div', { class: 'muted small', text: ch.circuitSource === 'worker' ? 'this process' : 'from recorded attempts' }),
      ch.goneSince ? [' ', badge('gone'), el('div', { class: 'small', text: `410 since ${fmtTime(ch.goneSince)}` })] : '',
    ),
    el('td', {
      class: 'small',
      text: `${r.jobs} · ${r.delivered} delivered · ${r.failing} retrying · ${r.rateLimited ?? 0} rate limited · ${r.dead} dead`,
    }),
    el(
      'td',
      { class: 'small' },
      last
        ? [
            badge(last.outcome),
            ` ${last.status ? `HTTP ${last.status} ` : last.label ? `${last.label} ` : ''}${last.latencyMs ?? ''} ms · ${fmtTime(last.time)}`,
            last.error ? el('div', { text: last.error }) : '',
          ]
        : el('span', { class: 'muted', text: 'none' }),
    ),
  );
}

try {
  const [{ connectors }, ch] = await Promise.all([api('/api/connectors'), api('/api/channels')]);
  grid.replaceChildren(...connectors.map(card));
  if (connectors.length === 0) grid.append(el('p', { class: 'muted', text: 'No connectors in hookhub.yaml.' }));
  channels.replaceChildren(...ch.channels.map(channelRow));
  if (ch.channels.length === 0)
    channels.append(el('tr', {}, el('td', { colspan: 6, class: 'muted', text: 'No channels in hookhub.yaml.' })));
  await renderChannelCharts(document.getElementById('channel-charts'));
} catch (error) {
  showError(message, error);
}
