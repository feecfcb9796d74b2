import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { PermanentError } from '../../../errors.ts';
import { BufferedResponse } from './buffered-response.ts';
import { compileNetworkPolicy, normalizeHost, type NetworkPolicy } from './network-policy.ts';
import { isIpLiteral, refusalMessage, refusalWithoutDns } from './refusal.ts';

/** The destination was refused by the network policy (SSRF guard). Never retried. */
export class BlockedDestinationError extends PermanentError {
  override name = 'BlockedDestinationError';
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves every address of a host (A and AAAA). Injectable so tests can pin DNS answers. */
export type ResolveHost = (host: string) => Promise<ResolvedAddress[]>;

export interface OutboundGuard {
  /** Resolves `host` and returns an address the policy allows; throws BlockedDestinationError otherwise. */
  resolve: (host: string) => Promise<ResolvedAddress>;
  /**
   * A `fetch` that connects only to the checked address (pinned, so DNS rebinding can't swap it)
   * and never follows redirects. Accepts a URL string or URL (not a Request).
   */
  fetch: typeof fetch;
  /** Closes pooled keep-alive connections. */
  close(): void;
}

export interface OutboundGuardOptions {
  resolveHost?: ResolveHost;
  /** Bodies are read up to this size; the rest is dropped. Default 256 KB. */
  maxResponseBytes?: number;
}

const defaultResolveHost: ResolveHost = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/** Builds the outbound HTTP function every action uses. */
export function createOutboundGuard(policy: NetworkPolicy = {}, options: OutboundGuardOptions = {}): OutboundGuard {
  const compiled = compileNetworkPolicy(policy);
  const resolveHost = options.resolveHost ?? defaultResolveHost;
  const maxBytes = options.maxResponseBytes ?? 262_144;
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  const resolve = async (host: string): Promise<ResolvedAddress> => {
    const name = normalizeHost(host);
    const refused = refusalWithoutDns(compiled, name);
    if (refused) throw new BlockedDestinationError(refusalMessage(refused));
    const addresses = isIpLiteral(name) ? [literal(name)] : await resolveHost(name);
    if (addresses.length === 0) throw new Error(`${name} resolved to no address`);
    // Refuse when ANY answer is forbidden: a mixed answer is a rebinding attempt or a misconfiguration.
    for (const { address } of addresses) {
      const problem = compiled.checkAddress(address, name);
      if (problem) throw new BlockedDestinationError(refusalMessage({ name, problem }));
    }
    return addresses[0] as ResolvedAddress;
  };

  const guardedFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (typeof input !== 'string' && !(input instanceof URL)) throw new TypeError('outbound fetch takes a URL');
    const url = parseUrl(input);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new BlockedDestinationError(`refused ${url.protocol} URL: only http and https are allowed`);
    }
    const target = await resolve(url.hostname);
    const agent = url.protocol === 'https:' ? agents.https : agents.http;
    return send(url, init, { target, agent, maxBytes });
  };

  return {
    resolve,
    fetch: guardedFetch,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** A URL or header that can't be sent (e.g. a template rendered empty or with a newline) will never work: permanent. */
export class InvalidRequestError extends PermanentError {
  override name = 'InvalidRequestError';
}

function parseUrl(input: string | URL): URL {
  try {
    return new URL(input);
  } catch {
    throw new InvalidRequestError(invalidUrlProblem(String(input)));
  }
}

/**
 * What is wrong with a URL that does not parse, without repeating it: the error is logged and shown to
 * viewers, and the URL may carry a secret (`${VAR}` resolved into its path or query).
 */
function invalidUrlProblem(text: string): string {
  if (text.trim() === '') return 'invalid URL: it is empty (a template rendered nothing?)';
  if (!/^https?:\/\//i.test(text)) return `invalid URL: it does not start with http:// or https:// (${text.length} characters)`;
  return `invalid URL: its host or port is malformed (${text.length} characters)`;
}

function buildRequest<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    // Headers and node:http validate names, values and the method synchronously (ERR_INVALID_CHAR, ByteString, …).
    throw new InvalidRequestError(`request cannot be sent: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function literal(address: string): ResolvedAddress {
  return { address, family: address.includes(':') ? 6 : 4 };
}

function pinnedLookup({ address, family }: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) (callback as (e: null, a: ResolvedAddress[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

interface SendContext {
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
function send(url: URL, init: RequestInit, ctx: SendContext, again = false): Promise<Response> {
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
        (res) => void collect(res, ctx.maxBytes).then(resolve, reject),
      ),
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (!again && req.reusedSocket && error.code === 'ECONNRESET' && init.signal?.aborted !== true) resolve(send(url, init, ctx, true));
      else reject(error);
    });
    req.end(body);
  });
}

function collect(res: http.IncomingMessage, maxBytes: number): Promise<Response> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (): void => {
      const status = res.statusCode ?? 502;
      const nullBody = status === 204 || status === 205 || status === 304;
      const init = { status, statusText: res.statusMessage ?? '', headers: toHeaders(res) };
      resolve(nullBody ? new Response(null, init) : new BufferedResponse(Buffer.concat(chunks), init));
    };
    res.on('data', (chunk: Buffer) => {
      if (size >= maxBytes) return;
      chunks.push(chunk.subarray(0, maxBytes - size));
      size += chunk.length;
      if (size >= maxBytes) {
        res.destroy();
        finish();
      }
    });
    res.on('end', finish);
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('response aborted')));
  });
}

function toHeaders(res: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value !== undefined) headers.set(key, value);
  }
  return headers;
}

function toBuffer(body: RequestInit['body']): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw new TypeError('outbound fetch supports string and byte bodies only');
}
