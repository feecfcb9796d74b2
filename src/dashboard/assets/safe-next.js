/**
 * Where to go after logging in: `next` resolved against this page's origin, kept only when it stays on
 * that origin. Prefix checks are not enough: browsers read `/\evil.example` as `//evil.example`.
 * @param {string | null} next
 * @param {string} origin
 * @returns {string}
 */
export function safeNext(next, origin) {
  if (!next) return '/';
  let url;
  try {
    url = new URL(next, origin);
  } catch {
    return '/';
  }
  return url.origin === origin ? `${url.pathname}${url.search}${url.hash}` : '/';
}
