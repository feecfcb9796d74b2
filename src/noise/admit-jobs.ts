import type { Job } from '../actions/action.ts';
import type { HubEvent } from '../events/hub-event.ts';
import type { NoiseGate, NoiseVerdict } from './noise-gate.ts';
import type { NoiseSpec } from './noise-spec.ts';

/** A job the noise layer kept back, for the rule outcome record. */
export type HeldJob = { job: string } & Exclude<NoiseVerdict, { send: true }>;

/**
 * Noise control for a rule's jobs before they are published (the router calls this for rules with
 * `throttle:`, `group:`, `mute:` or `activeHours:`). Grouped jobs are stored with their group and
 * published later as a digest by the group flusher. Idempotent per event: a redelivered event
 * gets the same decisions.
 */
export async function admitJobs(
  gate: NoiseGate,
  spec: NoiseSpec,
  scope: string,
  jobs: readonly Job[],
  event: HubEvent,
): Promise<{ send: Job[]; held: HeldJob[] }> {
  const send: Job[] = [];
  const held: HeldJob[] = [];
  for (const job of jobs) {
    const verdict = await gate.admit(spec, { scope, job, event });
    if (verdict.send) send.push(job);
    else held.push({ job: job.id, ...verdict });
  }
  return { send, held };
}
