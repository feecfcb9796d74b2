import { api, el, eventLink, fmtTime, isAdmin, showDlqDepth, showError } from './common.js';

const tbody = document.querySelector('#dlq tbody');
const message = document.getElementById('message');
const selected = new Set();
let next;

const selectedButton = document.getElementById('retry-selected');
const syncSelection = () => {
  selectedButton.disabled = selected.size === 0;
  selectedButton.textContent = selected.size ? `Retry selected (${selected.size})` : 'Retry selected';
};

function row(letter) {
  const box = el('input', {
    type: 'checkbox',
    'aria-label': `select ${letter.id}`,
    onchange: (e) => (e.target.checked ? selected.add(letter.id) : selected.delete(letter.id), syncSelection()),
  });
  return el(
    'tr',
    { 'data-id': letter.id },
    el('td', {}, isAdmin() ? box : ''),
    el('td', { class: 'small', text: fmtTime(letter.time) }),
    el('td', { class: 'mono small', text: letter.id }),
    el('td', { class: 'small' }, letter.eventId ? eventLink(letter.eventId, letter.eventType ?? letter.eventId) : ''),
    el('td', { text: letter.action }),
    el('td', { text: `${letter.attempts}${letter.lastStatus ? ` (last HTTP ${letter.lastStatus})` : ''}` }),
    el('td', { class: 'small', text: letter.reason }),
    el('td', {}, isAdmin() ? el('button', { type: 'button', text: 'Retry', onclick: () => retry({ ids: [letter.id] }) }) : ''),
  );
}

async function load(more = false) {
  const params = new URLSearchParams();
  const since = document.getElementById('since').value.trim();
  if (since) params.set('since', since);
  if (more && next) params.set('cursor', next);
  try {
    const page = await api(`/api/dlq?${params}`);
    if (!more) {
      tbody.replaceChildren();
      selected.clear();
      syncSelection();
    }
    tbody.append(...page.letters.map(row));
    if (page.total === 0) tbody.append(el('tr', {}, el('td', { colspan: 8, class: 'muted', text: 'The dead-letter queue is empty.' })));
    next = page.next;
    document.getElementById('more').classList.toggle('hidden', !next);
    document.getElementById('page-info').textContent = `${tbody.querySelectorAll('tr[data-id]').length} of ${page.total}`;
  } catch (error) {
    showError(message, error);
  }
}

async function retry(body) {
  try {
    const result = await api('/api/dlq/retry', { method: 'POST', body });
    message.replaceChildren(
      el('div', {
        class: 'notice',
        role: 'status',
        text:
          `${result.retried.length} job(s) queued for delivery` +
          `${result.missing.length ? `; ${result.missing.length} were no longer dead-lettered` : ''}` +
          `${result.busy?.length ? `; ${result.busy.length} were held by another retry or replay (try again in a minute)` : ''}.`,
      }),
    );
    await load();
    void showDlqDepth();
  } catch (error) {
    showError(message, error);
  }
}

if (!isAdmin()) for (const b of document.querySelectorAll('.admin-only')) b.classList.add('hidden');
document.getElementById('refresh').addEventListener('click', () => load());
document.getElementById('more').addEventListener('click', () => load(true));
selectedButton.addEventListener('click', () => retry({ ids: [...selected] }));
document.getElementById('retry-all').addEventListener('click', () => {
  const since = document.getElementById('since').value.trim();
  if (confirm(`Retry every dead letter${since ? ` since ${since}` : ''}?`)) void retry(since ? { all: true, since } : { all: true });
});
document.getElementById('select-all').addEventListener('change', (e) => {
  for (const box of tbody.querySelectorAll('input[type=checkbox]')) if (box.checked !== e.target.checked) box.click();
});
await load();
