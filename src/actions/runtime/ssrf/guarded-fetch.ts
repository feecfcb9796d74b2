import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { PermanentError } from '../../../errors.ts';
import { parseUrl } from './invalid-request.ts';
import { compileNetworkPolicy, normalizeHost, type NetworkPolicy } from './network-policy.ts';
import { sendPinned } from './pinned-send.ts';
import { isIpLiteral, refusalMessage, refusalWithoutDns } from './refusal.ts';

export { InvalidRequestError } from './invalid-request.ts';

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
    return sendPinned(url, init, { target, agent, maxBytes });
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

function literal(address: string): ResolvedAddress {
  return { address, family: address.includes(':') ? 6 : 4 };
}
