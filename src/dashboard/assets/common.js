// Shared by every dashboard page: the API client (session cookie + CSRF header), the header, and DOM helpers.
// No innerHTML with data anywhere: every value goes in through textContent.
let session;

export async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = session?.csrfToken ?? '';
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401) {
    location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    // Never settles: the page is going away, nothing after this call should run.
    return new Promise(() => {});
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error || `HTTP ${res.status}`);
  return data;
}

/** Checks the session, fills the header, wires log out. Resolves with { name, role }. */
export async function boot(page) {
  session = await api('/api/session');
  const section = page === 'event' ? 'events' : page;
  for (const link of document.querySelectorAll('header.top nav a')) if (link.dataset.page === section) link.classList.add('active');
  const who = document.getElementById('who');
  if (who) who.textContent = `${session.name} · ${session.role}`;
  document.getElementById('logout')?.addEventListener('click', async () => {
    try {
      await api('/api/session', { method: 'DELETE' });
    } catch (error) {
      // Not recorded: the session still works, so the page says so instead of pretending it ended.
      document.getElementById('main')?.prepend(el('div', { class: 'notice error', role: 'alert', text: error.message }));
      return;
    }
    location.assign('/login');
  });
  document.body.dataset.role = session.role;
  void showDlqDepth();
  return session;
}

export const isAdmin = () => session?.role === 'admin';

/** The dead-letter count next to its nav link, so a growing DLQ is seen from every page. */
export async function showDlqDepth() {
  const link = document.querySelector('header.top nav a[data-page=dlq]');
  const { total } = await api('/api/dlq?limit=1').catch(() => ({ total: 0 }));
  link?.querySelector('.count')?.remove();
  if (link && total > 0) link.append(' ', el('span', { class: 'badge failed count', text: String(total) }));
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat())
    if (child !== undefined && child !== null && child !== false) node.append(child instanceof Node ? child : String(child));
  return node;
}

export const badge = (status) => el('span', { class: `badge ${status}`, text: status, 'data-status': status });

export function fmtTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  const seconds = Math.round((Date.now() - date.getTime()) / 1000);
  const ago =
    seconds < 60
      ? `${Math.max(seconds, 0)}s ago`
      : seconds < 3600
        ? `${Math.round(seconds / 60)}m ago`
        : seconds < 86400
          ? `${Math.round(seconds / 3600)}h ago`
          : `${Math.round(seconds / 86400)}d ago`;
  return `${date.toLocaleString()} (${ago})`;
}

export const eventLink = (id, text = id) => el('a', { href: `/event?id=${encodeURIComponent(id)}`, text });

export function showError(target, error) {
  target.replaceChildren(el('div', { class: 'notice error', role: 'alert', text: error instanceof Error ? error.message : String(error) }));
}

export const FINAL = new Set(['delivered', 'failed', 'unmatched']);
