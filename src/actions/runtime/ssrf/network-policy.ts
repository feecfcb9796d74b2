import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * Which outbound destinations are allowed. By default only public unicast addresses:
 * loopback, private, link-local (cloud metadata), CGNAT, unspecified, multicast and reserved
 * addresses are refused; an IPv6 address that embeds IPv4 (mapped, compatible, NAT64, 6to4, Teredo) is
 * judged by the IPv4 it reaches (docs/actions.md).
 */
export const NetworkPolicySchema = z.strictObject({
  /** Allow every address but cloud metadata (a hub that only talks to an internal network). */
  allowPrivateNetworks: z.boolean().default(false),
  /** Host names (exact, case-insensitive), IP addresses or CIDR ranges that are always allowed; metadata only by its exact name or address. */
  allow: z.array(z.string().min(1)).default([]),
});
export type NetworkPolicy = z.input<typeof NetworkPolicySchema>;

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/i;

/**
 * Whether an allow entry can ever match: an IP address, a CIDR range or a host name as compileNetworkPolicy
 * reads it. Anything else (a URL, host:port, a wildcard, a /33) would be taken as a host name no URL has.
 */
export function isAllowEntry(entry: string): boolean {
  const host = normalizeHost(entry);
  return ipaddr.isValidCIDR(entry) || ipaddr.isValid(host) || HOST_NAME.test(host);
}

/** The policy hookhub.yaml's `delivery` section sets: every outbound path (workers, reports, validation) judges by it. */
export function deliveryNetworkPolicy(delivery: { allowPrivateNetworks: boolean; allowlist: readonly string[] }): NetworkPolicy {
  return { allowPrivateNetworks: delivery.allowPrivateNetworks, allow: [...delivery.allowlist] };
}

/**
 * Cloud metadata addresses outside link-local (all of which is refused as metadata): AWS's IPv6 endpoint
 * (in fc00::/7) and Alibaba's (in CGNAT), which allowPrivateNetworks would otherwise open.
 */
const METADATA_ADDRESSES = new Set(['fd00:ec2::254', '100.100.100.200']);

/** Cloud metadata endpoints by name; refused whatever they resolve to. */
const BLOCKED_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
  'metadata.platformequinix.com',
]);

export interface CompiledNetworkPolicy {
  /** Undefined when the host name may be used, else why not. */
  checkName(host: string): string | undefined;
  /** Undefined when the address may be connected to, else why not. */
  checkAddress(address: string, host: string): string | undefined;
}

export function compileNetworkPolicy(input: NetworkPolicy = {}): CompiledNetworkPolicy {
  const policy = NetworkPolicySchema.parse(input);
  const names = new Set<string>();
  /** Addresses listed one by one (not as a range): the only way to allow a metadata address. */
  const exact = new Set<string>();
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const entry of policy.allow) {
    if (ipaddr.isValidCIDR(entry)) ranges.push(ipaddr.parseCIDR(entry));
    else if (ipaddr.isValid(entry)) exact.add(ipaddr.process(entry).toString());
    else names.add(normalizeHost(entry));
  }
  const inRanges = (addr: ipaddr.IPv4 | ipaddr.IPv6): boolean =>
    exact.has(addr.toString()) || ranges.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));

  return {
    checkName(host) {
      const name = normalizeHost(host);
      if (names.has(name)) return undefined;
      // Never a webhook's destination, and what an SSRF is after: not even allowPrivateNetworks opens it.
      if (BLOCKED_NAMES.has(name)) return `"${name}" is a cloud metadata endpoint`;
      if (policy.allowPrivateNetworks) return undefined;
      if (name === 'localhost' || name.endsWith('.localhost')) return `"${name}" is loopback`;
      return undefined;
    },
    checkAddress(address, host) {
      const name = normalizeHost(host);
      const listed = names.has(name);
      if (!ipaddr.isValid(address)) return listed || policy.allowPrivateNetworks ? undefined : `"${address}" is not an IP address`;
      const parsed = ipaddr.process(address);
      if (exact.has(parsed.toString())) return undefined;
      const embedded = parsed.kind() === 'ipv6' ? embeddedIPv4s(parsed as ipaddr.IPv6) : undefined;
      // A listed name opens metadata only if it is a metadata name: another name may come to resolve there.
      const metadata = listed && BLOCKED_NAMES.has(name) ? undefined : metadataProblem(address, parsed, embedded ?? []);
      if (metadata !== undefined) return metadata;
      if (listed || policy.allowPrivateNetworks || inRanges(parsed)) return undefined;
      if (embedded === undefined) {
        const range = parsed.range();
        return range === 'unicast' ? undefined : `${address} is a ${range} address`;
      }
      for (const ipv4 of embedded.filter((a) => !inRanges(a))) {
        const range = ipv4.range();
        if (range !== 'unicast') return `${address} reaches ${ipv4.toString()}, a ${range} address`;
      }
      return undefined;
    },
  };
}

/** A cloud metadata address (any link-local one), itself or embedded in an IPv6 address. */
function metadataProblem(address: string, parsed: ipaddr.IPv4 | ipaddr.IPv6, embedded: readonly ipaddr.IPv4[]): string | undefined {
  if (METADATA_ADDRESSES.has(parsed.toString())) return `${address} is a cloud metadata address`;
  if (parsed.range() === 'linkLocal') return `${address} is a linkLocal address`;
  const reached = embedded.find((ipv4) => ipv4.range() === 'linkLocal' || METADATA_ADDRESSES.has(ipv4.toString()));
  if (reached === undefined) return undefined;
  const what = METADATA_ADDRESSES.has(reached.toString()) ? 'cloud metadata' : 'linkLocal';
  return `${address} reaches ${reached.toString()}, a ${what} address`;
}

const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

/**
 * The IPv4 addresses an IPv6 address reaches, for the forms that embed them; ipaddr.js calls ::7f00:1
 * "unicast" and 64:ff9b::7f00:1 "rfc6052", neither of which says where the packets go. ipaddr.process
 * has already mapped ::ffff:a.b.c.d.
 * - IPv4-compatible ::a.b.c.d (RFC 4291 §2.5.5.1): the last 32 bits.
 * - NAT64 64:ff9b::/96 (RFC 6052): the last 32 bits. The local-use 64:ff9b:1::/48 (RFC 8215) puts the IPv4
 *   where its operator's prefix length says, so it stays refused whole, as its "rfc6052" range.
 * - 6to4 2002::/16 (RFC 3056): bits 16-47.
 * - Teredo 2001::/32 (RFC 4380): the server in bits 32-63 and the client in the last 32 bits, inverted;
 *   both must be public.
 */
function embeddedIPv4s(addr: ipaddr.IPv6): ipaddr.IPv4[] | undefined {
  const bytes = addr.toByteArray();
  const ipv4 = (from: number, invert = 0) => new ipaddr.IPv4(bytes.slice(from, from + 4).map((b) => b ^ invert));
  const range = addr.range();
  if (range === 'unicast' && bytes.slice(0, 12).every((b) => b === 0)) return [ipv4(12)];
  if (range === 'rfc6052' && addr.match(NAT64_WELL_KNOWN)) return [ipv4(12)];
  if (range === '6to4') return [ipv4(2)];
  if (range === 'teredo') return [ipv4(4), ipv4(12, 0xff)];
  return undefined;
}

/** Lowercase, without IPv6 brackets or a trailing dot. */
export function normalizeHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}
