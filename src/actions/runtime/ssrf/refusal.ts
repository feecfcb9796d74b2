import { normalizeHost, type CompiledNetworkPolicy } from './network-policy.ts';

/** Problems that no allowlist entry should be used for, so the refusal gives no hint to allow them. */
const BLOCKED_FOR_GOOD = /cloud metadata|linkLocal/;

/** A host the guard refuses (normalized) and why. */
export interface Refusal {
  name: string;
  problem: string;
}

/**
 * Says how to reach a refused host on purpose (a local test sink, an internal CI server): the
 * dead letter and the log are where a user first meets the guard. A metadata endpoint gets no such hint.
 */
export function refusalHint({ name, problem }: Refusal): string {
  return BLOCKED_FOR_GOOD.test(problem)
    ? ''
    : `; to send to it, list "${name}" in delivery.allowlist in hookhub.yaml and restart (docs/actions.md#ssrf-guard)`;
}

export function refusalMessage(refusal: Refusal): string {
  return `refused ${refusal.name}: ${refusal.problem}${refusalHint(refusal)}`;
}

/** A host written as an IP address (normalized: an IPv6 address without its brackets). */
export function isIpLiteral(name: string): boolean {
  return /^[\d.]+$|:/.test(name);
}

/**
 * The guard's refusal of `host` as far as it can be judged without DNS: a name it refuses (`localhost`,
 * a metadata name) or an IP address it refuses. Undefined when it is allowed, or only DNS could tell.
 */
export function refusalWithoutDns(policy: CompiledNetworkPolicy, host: string): Refusal | undefined {
  const name = normalizeHost(host);
  const problem = policy.checkName(name) ?? (isIpLiteral(name) ? policy.checkAddress(name, name) : undefined);
  return problem === undefined ? undefined : { name, problem };
}

/** refusalWithoutDns for an http(s) URL's host; undefined for another scheme or a URL that does not parse. */
export function urlRefusalWithoutDns(policy: CompiledNetworkPolicy, url: string): Refusal | undefined {
  try {
    const { protocol, hostname } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? refusalWithoutDns(policy, hostname) : undefined;
  } catch {
    return undefined;
  }
}
