import { api, el, eventLink, fmtTime, showError } from './common.js';

const message = document.getElementById('message');
const yaml = document.getElementById('yaml');
const diagnostics = document.getElementById('diagnostics');
const results = document.getElementById('results');

const SAMPLE = `rules:
  - name: try-me
    on: ["**"]
    # from: [github]
    # when: { "data.action": opened }
    do:
      - notify: { channel: CHANNEL, text: "{{type}} {{subject}}" }
`;

function trigger(r) {
  if (r.schedule) return `schedule ${r.schedule.cron}`;
  return `${(r.on ?? []).join(', ')}${r.from ? ` from ${r.from.join(', ')}` : ''}${r.when ? ' when …' : ''}`;
}

function showDiagnostics(list) {
  diagnostics.replaceChildren(
    ...list.map((d) =>
      el('div', {
        class: `notice${d.severity === 'error' ? ' error' : ''} small mono`,
        text: `${d.file}:${d.line}:${d.col}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`,
      }),
    ),
  );
}

async function validate() {
  const result = await api('/api/rules/validate', { method: 'POST', body: { yaml: yaml.value } });
  showDiagnostics(result.diagnostics);
  if (result.ok)
    diagnostics.prepend(el('div', { class: 'notice small', text: `Valid: ${result.rules.map((r) => r.name).join(', ') || 'no rules'}` }));
}

async function backtest() {
  const result = await api('/api/rules/backtest', {
    method: 'POST',
    body: { yaml: yaml.value, last: Number(document.getElementById('last').value) || 200 },
  });
  showDiagnostics(result.diagnostics);
  if (!result.ok) return results.replaceChildren();
  const hits = result.hits.map((h) =>
    el(
      'tr',
      { 'data-event': h.event.id },
      el('td', { class: 'small', text: fmtTime(h.event.received) }),
      el('td', {}, eventLink(h.event.id, h.event.type)),
      el('td', { text: h.event.subject ?? '' }),
      el(
        'td',
        {},
        h.rules.map((r) =>
          el(
            'div',
            {},
            el('strong', { text: r.rule }),
            r.jobs.map((j) => el('pre', { class: 'hint', text: `${j.action}: ${JSON.stringify(j.params, null, 2)}` })),
            r.errors.map((e) => el('div', { class: 'notice error small', text: e })),
          ),
        ),
      ),
    ),
  );
  const misses = result.nearMisses.map((m) =>
    el(
      'tr',
      {},
      el('td', {}, eventLink(m.event.id, m.event.type)),
      el('td', { text: m.rule }),
      el('td', { class: 'small', text: m.detail }),
    ),
  );
  results.replaceChildren(
    el('h2', {
      id: 'backtest-summary',
      text: `${result.hits.length} of the last ${result.tried} events would have fired ${result.rules.join(', ')}`,
    }),
    result.stoppedEarly
      ? el('div', {
          class: 'notice small',
          text: 'Stopped after 2 s (matching runs next to the ingress); try a smaller N or a narrower on:.',
        })
      : '',
    result.sizeLimited
      ? el('div', {
          class: 'notice small',
          id: 'backtest-size-limited',
          text: 'Read the newest events up to 32 MiB of payloads; older ones were left out.',
        })
      : '',
    hits.length
      ? el(
          'table',
          { id: 'hits' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              el('th', { text: 'Received' }),
              el('th', { text: 'Event' }),
              el('th', { text: 'Subject' }),
              el('th', { text: 'Would render' }),
            ),
          ),
          el('tbody', {}, hits),
        )
      : el('p', { class: 'muted', text: 'No matches.' }),
    misses.length ? el('h2', { text: 'Near misses (type matched, from/when did not)' }) : '',
    misses.length
      ? el(
          'table',
          {},
          el('thead', {}, el('tr', {}, el('th', { text: 'Event' }), el('th', { text: 'Rule' }), el('th', { text: 'Why not' }))),
          el('tbody', {}, misses),
        )
      : '',
  );
}

try {
  const [{ rules, problem }, { channels }] = await Promise.all([api('/api/rules'), api('/api/channels')]);
  if (problem) message.replaceChildren(el('div', { class: 'notice error', text: problem }));
  const tbody = document.querySelector('#rules tbody');
  tbody.replaceChildren(
    ...rules.map((r) =>
      el(
        'tr',
        {},
        el(
          'td',
          {},
          el('strong', { text: r.name }),
          r.enabled ? '' : el('span', { class: 'muted', text: ' (disabled)' }),
          r.description ? el('div', { class: 'muted small', text: r.description }) : '',
        ),
        el('td', { class: 'mono small', text: trigger(r) }),
        el('td', { text: r.actions.join(', ') }),
        el('td', { class: 'mono small muted', text: r.where }),
      ),
    ),
  );
  if (rules.length === 0) tbody.append(el('tr', {}, el('td', { colspan: 4, class: 'muted', text: 'No rules loaded.' })));
  yaml.value = SAMPLE.replace('CHANNEL', channels[0]?.name ?? 'eng');
} catch (error) {
  showError(message, error);
}
const guard = (fn) => () => fn().catch((error) => showError(diagnostics, error));
document.getElementById('validate').addEventListener('click', guard(validate));
document.getElementById('backtest').addEventListener('click', guard(backtest));
