import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { collectResponse } from './collect-response.ts';
import type { ResolvedAddress } from './guarded-fetch.ts';
import { buildRequest } from './invalid-request.ts';

function pinnedLookup({ address, family }: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) (callback as (e: null, a: ResolvedAddress[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

export interface SendContext {
  target: ResolvedAddress;
  agent: http.Agent;
  maxBytes: number;
}

/**
 * A pooled keep-alive connection the destination closed while it sat idle fails the request on it (the
 * destination's keep-alive timeout ran out as the request went out). That is no failure of the
 * destination: the request goes again at once, once, on a new connection, instead of waiting out a retry
 * backoff (5 s, measured as one webhook's 4.7 s delivery in the end-to-end bench). Receivers deduplicate
 * on the idempotency key, should the first one have arrived. https://nodejs.org/api/http.html#requestreusedsocket
 */
export function sendPinned(url: URL, init: RequestInit, ctx: SendContext, again = false): Promise<Response> {
  const headers: Record<string, string> = {};
  buildRequest(() => new Headers(init.headers)).forEach((value, key) => (headers[key] = value));
  const body = toBuffer(init.body);
  if (body !== undefined) headers['content-length'] = String(body.length);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = buildRequest(() =>
      transport.request(
        url,
        {
          method: init.method ?? 'GET',
          headers,
          agent: ctx.agent,
          lookup: pinnedLookup(ctx.target),
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => void collectResponse(res, ctx.maxBytes).then(resolve, reject),
      ),
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (!again && req.reusedSocket && error.code === 'ECONNRESET' && init.signal?.aborted !== true)
        resolve(sendPinned(url, init, ctx, true));
      else reject(error);
    });
    req.end(body);
  });
}

function toBuffer(body: RequestInit['body']): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw new TypeError('outbound fetch supports string and byte bodies only');
}
