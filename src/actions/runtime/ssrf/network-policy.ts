import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * Which outbound destinations are allowed. By default only public unicast addresses:
 * loopback, private, link-local (cloud metadata), CGNAT, unspecified, multicast and reserved
 * addresses are refused; an IPv4-mapped or IPv4-compatible IPv6 address is judged by its IPv4, and
 * NAT64, 6to4 and Teredo ranges are refused whole (docs/actions.md).
 */
export const NetworkPolicySchema = z.strictObject({
  /** Turn the guard off (a hub that only talks to an internal network). */
  allowPrivateNetworks: z.boolean().default(false),
  /** Host names (exact, case-insensitive), IP addresses or CIDR ranges that are always allowed. */
  allow: z.array(z.string().min(1)).default([]),
});
export type NetworkPolicy = z.input<typeof NetworkPolicySchema>;

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
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const entry of policy.allow) {
    if (ipaddr.isValidCIDR(entry)) ranges.push(ipaddr.parseCIDR(entry));
    else if (ipaddr.isValid(entry)) {
      const addr = ipaddr.parse(entry);
      ranges.push([addr, addr.kind() === 'ipv4' ? 32 : 128]);
    } else names.add(normalizeHost(entry));
  }
  const inRanges = (addr: ipaddr.IPv4 | ipaddr.IPv6): boolean =>
    ranges.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));

  return {
    checkName(host) {
      const name = normalizeHost(host);
      if (policy.allowPrivateNetworks || names.has(name)) return undefined;
      if (BLOCKED_NAMES.has(name)) return `"${name}" is a cloud metadata endpoint`;
      if (name === 'localhost' || name.endsWith('.localhost')) return `"${name}" is loopback`;
      return undefined;
    },
    checkAddress(address, host) {
      if (policy.allowPrivateNetworks || names.has(normalizeHost(host))) return undefined;
      if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
      const parsed = embeddedIPv4(ipaddr.process(address));
      if (inRanges(parsed)) return undefined;
      const range = parsed.range();
      return range === 'unicast' ? undefined : `${address} is a ${range} address`;
    },
  };
}

/**
 * The deprecated IPv4-compatible form ::a.b.c.d (RFC 4291 §2.5.5.1) as its IPv4 address, which is what
 * it reaches: ipaddr.js calls ::7f00:1 "unicast", so it passed as public. ipaddr.process already maps
 * ::ffff:a.b.c.d; NAT64, 6to4 and Teredo have ranges of their own and are refused whole.
 */
function embeddedIPv4(addr: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  if (addr.kind() !== 'ipv6' || addr.range() !== 'unicast') return addr;
  const bytes = addr.toByteArray();
  return bytes.slice(0, 12).every((b) => b === 0) ? new ipaddr.IPv4(bytes.slice(12)) : addr;
}

/** Lowercase, without IPv6 brackets or a trailing dot. */
export function normalizeHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}
