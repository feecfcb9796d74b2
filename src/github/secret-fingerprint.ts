import { scrypt } from 'node:crypto';

/**
 * GitHub never returns a hook's secret (it answers `"secret": "********"`), so hookhub cannot compare
 * secrets. Instead it records, in the hook URL it sets, a fingerprint of the secret it configured:
 * `https://hub.example.com/hooks/github?hookhub_fp=<fingerprint>`. The ingress ignores the query.
 *
 * The fingerprint is scrypt(secret, salt = the hook URL without the marker), 72 bits, base64url:
 * a slow, salted one-way function, so a repo admin who can read the URL cannot feasibly recover
 * or brute-force a random secret from it. A hook whose marker does not match the secret the
 * hub signs with (or has no marker) gets the secret (and a fresh marker) set again.
 */
export const FINGERPRINT_PARAM = 'hookhub_fp';

export function secretFingerprint(secret: string, hookUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // N=2^14, r=8: ~16 MiB and tens of milliseconds per guess; computed once per connector per sync.
    scrypt(secret, `hookhub:${hookUrl}`, 9, { N: 16384, r: 8, p: 1 }, (err, key) => {
      if (err) reject(err);
      else resolve(key.toString('base64url'));
    });
  });
}

/** `<publicUrl>/hooks/<connector>`, normalized, without a marker. */
export function hookUrlFor(publicUrl: string, connector: string): string {
  const url = new URL(publicUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/hooks/${encodeURIComponent(connector)}`;
  url.hash = '';
  return url.toString();
}

/** Splits a hook's configured URL into the URL without the marker, and the marker (if any). */
export function parseMarkedUrl(text: string): { url: string; fingerprint?: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { url: text };
  }
  const fingerprint = url.searchParams.get(FINGERPRINT_PARAM) ?? undefined;
  url.searchParams.delete(FINGERPRINT_PARAM);
  const bare = url.toString();
  return fingerprint === undefined ? { url: bare } : { url: bare, fingerprint };
}

export function markUrl(hookUrl: string, fingerprint: string): string {
  const url = new URL(hookUrl);
  url.searchParams.set(FINGERPRINT_PARAM, fingerprint);
  return url.toString();
}
