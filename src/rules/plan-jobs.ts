import type { Job } from '../actions/action.ts';
import { findAction, type ActionRegistry } from '../actions/registry.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { admitJobs, type HeldJob } from '../noise/admit-jobs.ts';
import type { NoiseGate } from '../noise/noise-gate.ts';
import { withSecretReferences } from '../operations/secret-references.ts';
import type { Rule, RuleVerdict } from './rule.ts';

/** A job id: the idempotency key the bus deduplicates on, stable across redelivery and replay. */
export function jobId(eventId: string, rule: string, index: number): string {
  return `${eventId}:${rule}:${index}`;
}

/** A rule's verdict on an event, with the jobs it makes and the actions that failed to render. */
export interface Planned {
  verdict: RuleVerdict;
  jobs: Job[];
  errors: { index: number; action: string; error: string }[];
  /** Jobs kept back by noise control (muted, throttled, grouped into a later digest). */
  held?: HeldJob[];
}

/** Renders a matched rule's actions into jobs; a failing action is reported, the others still go. */
export function planJobs(verdict: RuleVerdict, event: HubEvent, options: { registry: ActionRegistry; now: () => Date }): Planned {
  const planned: Planned = { verdict, jobs: [], errors: [] };
  if (verdict.outcome !== 'matched') return planned;
  const rule: Rule = verdict.rule;
  const now = options.now();
  for (const action of rule.actions) {
    try {
      const params = action.render(event, { now, rule: rule.name });
      const checked = findAction(options.registry, action.type)?.paramsSchema.safeParse(params);
      if (checked && !checked.success)
        throw new Error(checked.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; '));
      const refs = action.secretRefs ?? [];
      planned.jobs.push({
        id: jobId(event.id, rule.name, action.index),
        eventId: event.id,
        eventType: event.type,
        rule: rule.name,
        index: action.index,
        action: action.type,
        // Secrets stay `${VAR}` in the stored job; the worker resolves them at send time.
        params: withSecretReferences(params, refs),
        ...(refs.length > 0 ? { secretRefs: refs.map((ref) => [...ref.path]) } : {}),
        createdAt: now.toISOString(),
        eventTime: event.time,
      });
    } catch (error) {
      planned.errors.push({ index: action.index, action: action.type, error: (error as Error).message });
    }
  }
  return planned;
}

/** Keeps back the jobs of rules with noise keys that should not go out now (see src/noise). */
export async function applyNoise(planned: Planned[], event: HubEvent, gate: NoiseGate): Promise<void> {
  for (const p of planned) {
    const spec = p.verdict.rule.noise;
    if (!spec || p.jobs.length === 0) continue;
    const { send, held } = await admitJobs(gate, spec, p.verdict.rule.name, p.jobs, event);
    p.jobs = send;
    p.held = held;
  }
}
