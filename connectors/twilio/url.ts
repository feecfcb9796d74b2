import type { WebhookRequest } from '../connector.ts';
import { getHeader } from '../shared/headers.ts';
import { VerificationError } from '../../src/errors.ts';

/**
 * The URL Twilio called, as it signed it: `publicUrl` (its path, or the request's path when it is
 * only an origin) plus the query string that arrived, byte for byte (never re-encoded).
 */
export function twilioSignedUrl(request: WebhookRequest, publicUrl: string | undefined): string {
  const queryAt = request.url.indexOf('?');
  const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const query = queryAt === -1 ? '' : request.url.slice(queryAt);
  if (publicUrl !== undefined) {
    const base = publicUrl.split('#', 1)[0] ?? publicUrl;
    if (base.includes('?')) return base;
    const origin = /^https?:\/\/[^/]+/i.exec(base)?.[0] ?? base;
    const hasPath = base.length > origin.length && base.slice(origin.length) !== '/';
    return hasPath ? `${base}${query}` : `${origin}${path}${query}`;
  }
  const host = firstValue(getHeader(request.headers, 'x-forwarded-host')) ?? getHeader(request.headers, 'host');
  if (host === undefined)
    throw new VerificationError('cannot tell which URL Twilio signed: set publicUrl on the connector', {
      kind: 'unconfigured',
      setting: 'publicUrl',
    });
  const proto = firstValue(getHeader(request.headers, 'x-forwarded-proto')) ?? 'https';
  return `${proto}://${host}${request.url}`;
}

/**
 * The URL with and without an explicit port, as twilio-node's `validateRequest` accepts both:
 * Twilio may sign `https://host:443/…` or `https://host/…` depending on how the URL was configured.
 */
export function twilioUrlVariants(url: string): string[] {
  const match = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(url);
  if (!match) return [url];
  const [, scheme = '', authority = '', rest = ''] = match;
  const withoutPort = authority.replace(/:\d+$/, '');
  const defaultPort = scheme.toLowerCase() === 'https' ? 443 : 80;
  const variants = [url, `${scheme}://${withoutPort}${rest}`, `${scheme}://${withoutPort}:${defaultPort}${rest}`];
  return [...new Set(variants)];
}

function firstValue(header: string | undefined): string | undefined {
  const first = header?.split(',', 1)[0]?.trim();
  return first ? first : undefined;
}
