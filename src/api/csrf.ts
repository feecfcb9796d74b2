import type { IncomingMessage } from 'node:http';
import type { Authenticator, Session } from './auth.ts';
import { ApiError } from './http-kit.ts';

/**
 * Refuses cross-site requests: `Sec-Fetch-Site: cross-site` (every current browser sends it) or an
 * `Origin` that is neither this host nor the configured public URL.
 */
export function checkSameOrigin(req: IncomingMessage, publicUrl: string | undefined): void {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') throw new ApiError(403, 'cross-site request refused');
  const origin = req.headers.origin;
  if (origin === undefined) return;
  const allowed = new Set<string>();
  if (publicUrl) allowed.add(new URL(publicUrl).origin);
  if (req.headers.host) {
    allowed.add(`http://${req.headers.host}`);
    allowed.add(`https://${req.headers.host}`);
  }
  if (!allowed.has(origin)) {
    // A proxy that rewrites Host makes the hub's own dashboard look cross-origin: say what to set.
    throw new ApiError(
      403,
      `cross-origin request refused: Origin ${JSON.stringify(origin.slice(0, 200))} is neither this host nor server.publicUrl; behind a reverse proxy, set server.publicUrl in hookhub.yaml to the address the dashboard is opened at (or have the proxy pass the Host header on)`,
    );
  }
}

/**
 * A mutation made with the session cookie needs the session's CSRF token in `x-csrf-token`
 * (a synchronizer token, HMAC-bound to the session) and a same-origin request.
 */
export function checkCsrf(req: IncomingMessage, auth: Authenticator, session: Session, publicUrl: string | undefined): void {
  checkSameOrigin(req, publicUrl);
  const presented = req.headers['x-csrf-token'];
  if (!auth.checkCsrf(session, typeof presented === 'string' ? presented : undefined)) {
    throw new ApiError(403, 'missing or wrong x-csrf-token (reload the page)');
  }
}
