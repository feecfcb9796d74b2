import { safeNext } from './safe-next.js';

const form = document.getElementById('login-form');
const error = document.getElementById('login-error');
form.addEventListener('submit', async (e) => {
  e.preventDefault();
  error.classList.add('hidden');
  const token = document.getElementById('token').value;
  const res = await fetch('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify({ token }),
  });
  if (!res.ok) {
    const data = await res.json().catch(() => ({}));
    error.textContent = data.error || `HTTP ${res.status}`;
    error.classList.remove('hidden');
    return;
  }
  location.assign(safeNext(new URLSearchParams(location.search).get('next'), location.origin));
});
