import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Whether an entry of `server.trustedProxies` is an IP address or a CIDR range. */
export function isAddressOrRange(entry: string): boolean {
  return ipaddr.isValidCIDR(entry) || ipaddr.isValid(entry);
}

/**
 * The address a request came from, for per-client limits such as the login throttle. Behind a reverse
 * proxy every request arrives from the proxy, so one client's failed logins would lock everyone out:
 * when the peer is one of `trustedProxies`, X-Forwarded-For is read from the right, skipping the
 * trusted hops, and the first address not trusted is the client. Entries left of it are the client's
 * own claims and are never used. Without trusted proxies the header is ignored.
 */
export function createClientAddress(trustedProxies: readonly string[]): (req: IncomingMessage) => string {
  const ranges: Range[] = trustedProxies.map((entry) => {
    if (ipaddr.isValidCIDR(entry)) return ipaddr.parseCIDR(entry);
    const address = ipaddr.process(entry);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  });
  const trusted = (address: string): boolean => {
    if (!ipaddr.isValid(address)) return false;
    const parsed = ipaddr.process(address);
    return ranges.some(([net, bits]) => net.kind() === parsed.kind() && parsed.match(net, bits));
  };
  return (req) => {
    const peer = req.socket.remoteAddress ?? '';
    if (ranges.length === 0 || !trusted(peer)) return peer;
    const header = req.headers['x-forwarded-for'];
    if (header === undefined || header.length === 0) return peer;
    const hops = (Array.isArray(header) ? header.join(',') : header).split(',').map((hop) => hop.trim());
    let client = peer;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i] ?? '';
      // A hop that is not an address (a proxy that writes "unknown") cannot be trusted or told apart: stop at it.
      if (!ipaddr.isValid(hop)) return `unknown (${hop.slice(0, 64)})`;
      client = ipaddr.process(hop).toString();
      if (!trusted(client)) return client;
    }
    return client;
  };
}
