import { resolveSecretReferences } from '../../operations/secret-references.ts';
import type { Action, ActionDeps, Job } from '../action.ts';

import type { DestinationPolicy } from './destination-policy.ts';
import { createRetryPolicy, type RetryConfig, type RetryPolicy } from './retry-policy.ts';
import { findAction, type ActionRegistry } from '../registry.ts';

/** A job resolved against the registry and channels, ready for an attempt. */
export interface PreparedJob {
  action: Action;
  params: Record<string, unknown>;
  /** Key for rate limits, breakers and gone marks. */
  destination: string;
  /** Metric label: the channel name, or '' for actions without one. */
  channel: string;
  policy: DestinationPolicy;
  retry: RetryPolicy;
}

/**
 * Resolves the action and the job's secret references (from `vars`, at send time), re-validates the
 * rendered params and works out the destination policy.
 */
export function prepareJob(
  job: Job,
  registry: ActionRegistry,
  deps: Pick<ActionDeps, 'channels'>,
  defaultRetry: RetryConfig | undefined,
  vars: Readonly<Record<string, string | undefined>> = {},
): PreparedJob | { error: string } {
  const action = findAction(registry, job.action);
  if (action === undefined) return { error: `unknown action type "${job.action}"` };
  const resolved = resolveSecretReferences(job.params, job.secretRefs ?? [], vars);
  if ('error' in resolved) return { error: `a secret in the params cannot be resolved: ${resolved.error}` };
  const parsed = action.paramsSchema.safeParse(resolved.params);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(params)'}: ${issue.message}`);
    return { error: `invalid params for ${job.action}: ${issues.join('; ')}` };
  }
  const params = parsed.data;
  try {
    const policy = action.policy?.(params, deps) ?? {};
    const channel = typeof params.channel === 'string' ? params.channel : '';
    return {
      action,
      params,
      destination: action.destination(params, deps),
      channel,
      policy,
      retry: createRetryPolicy(policy.retry ?? defaultRetry),
    };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
