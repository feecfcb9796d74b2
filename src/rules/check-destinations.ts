import type { Action } from '../actions/action.ts';
import { compileNetworkPolicy, type CompiledNetworkPolicy, type NetworkPolicy } from '../actions/runtime/ssrf/network-policy.ts';
import { refusalHint, urlRefusalWithoutDns } from '../actions/runtime/ssrf/refusal.ts';
import type { Diagnostic } from './diagnostics.ts';
import type { YamlPath, YamlSource } from './yaml-source.ts';

export interface DestinationsInput {
  action: Action;
  params: Readonly<Record<string, unknown>>;
  /** Path of the action's params in the file. */
  path: YamlPath;
  source: YamlSource;
  network: NetworkPolicy | undefined;
}

/**
 * Warns about a destination URL written out in the rule that the SSRF guard will refuse at delivery
 * (loopback, private, link-local, metadata), with the guard's own verdict and hint. Templates and
 * `${VAR}` values are left alone, and so are host names that only DNS could judge.
 */
export function checkDestinations(input: DestinationsInput, out: Diagnostic[]): void {
  const { action, params, path, source, network } = input;
  if (network === undefined) return;
  const policy = compiledPolicy(network);
  for (const key of action.destinationUrlParams ?? []) {
    const value = params[key];
    if (typeof value !== 'string' || value.includes('{{') || writtenWithVariable(source, [...path, key])) continue;
    const refused = urlRefusalWithoutDns(policy, value);
    if (refused === undefined) continue;
    const message = `${action.type}: the SSRF guard will refuse this ${key} at delivery: ${refused.problem}${refusalHint(refused)}`;
    out.push({ ...source.locate([...path, key]), severity: 'warning', message });
  }
}

/** One compiled policy per rules load, not one per action. */
const compiledPolicies = new WeakMap<NetworkPolicy, CompiledNetworkPolicy>();

function compiledPolicy(network: NetworkPolicy): CompiledNetworkPolicy {
  const known = compiledPolicies.get(network);
  if (known) return known;
  const compiled = compileNetworkPolicy(network);
  compiledPolicies.set(network, compiled);
  return compiled;
}

/** The value came from the environment (`${VAR}`), which may differ where the hub runs. */
function writtenWithVariable(source: YamlSource, path: YamlPath): boolean {
  const range = source.rangeOf(path);
  return range === undefined || source.text.slice(range[0], range[1]).includes('${');
}
