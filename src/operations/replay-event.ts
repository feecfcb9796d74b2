import { RecordKind, summarizeHistory } from '../actions/runtime/attempt-history.ts';
import { withRepublishClaim } from '../actions/runtime/republish-claim.ts';
import type { BusDeadLetters, BusHistory, BusKv, BusStreams } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { dryRun, type DryRunResult } from '../rules/dry-run.ts';
import type { RuleSet } from '../rules/rule.ts';
import { planJobs } from '../rules/plan-jobs.ts';
import { paramsView } from './event-view.ts';
import type { ActionRegistry } from '../actions/registry.ts';
import type { Job } from '../actions/action.ts';

/** The roles a replay uses; kv holds the republish claims it shares with dead-letter retries. */
export type ReplayBus = BusStreams & BusHistory & BusDeadLetters & BusKv;

/** What replay did (or, in a dry run, would do) with each job the current rules produce. */
export type ReplayDecision = 'queued' | 'requeued' | 'skipped-delivered' | 'skipped-in-progress';

export interface ReplayJob {
  id: string;
  rule: string;
  action: string;
  decision: ReplayDecision;
  params: Record<string, unknown>;
}

export interface ReplayResult {
  dryRun: boolean;
  event: { id: string; type: string };
  jobs: ReplayJob[];
  /** Matched rules whose actions could not be rendered. */
  errors: { rule: string; index: number; action: string; error: string }[];
  /** The full match report (near misses included): what `rules test` prints. */
  report: DryRunResult;
}

export interface ReplayOptions {
  registry: ActionRegistry;
  now: () => Date;
  dryRun?: boolean;
  /** Who asked (recorded on the event, never a token). */
  actor?: string;
}

/**
 * Runs a stored event through the current rules. Jobs the bus has no trace of are published; jobs
 * that exist and are dead-lettered start a fresh cycle of attempts under the same idempotency key;
 * both carry a replay record, which workers read as "may have run before". Delivered jobs are never
 * sent twice, and jobs still being retried are left alone.
 */
export async function replayEvent(bus: ReplayBus, ruleSet: RuleSet, event: HubEvent, options: ReplayOptions): Promise<ReplayResult> {
  const dry = options.dryRun ?? false;
  const result: ReplayResult = {
    dryRun: dry,
    event: { id: event.id, type: event.type },
    jobs: [],
    errors: [],
    report: dryRun(ruleSet, event, options),
  };
  const planned = ruleSet.explain(event).map((verdict) => planJobs(verdict, event, options));
  for (const plan of planned) {
    for (const e of plan.errors) result.errors.push({ rule: plan.verdict.rule.name, ...e });
    for (const job of plan.jobs) {
      const decision = dry ? await decide(bus, job.id) : await replayJob(bus, job, options.now, options.actor);
      result.jobs.push({ id: job.id, rule: job.rule, action: job.action, decision, params: job.params });
    }
    if (!dry && plan.verdict.outcome === 'matched')
      await recordPass(
        bus,
        plan.verdict.rule.name,
        plan.jobs.map((j) => j.id),
        event.id,
        options.now(),
        options.actor,
      );
  }
  return result;
}

/**
 * What a viewer (API) or a terminal (CLI) sees of a replay of `event`: secret-named params masked, and
 * the event's chat credentials wherever the rules' templates copied them.
 */
export function replayView(result: ReplayResult, event: HubEvent, hidden?: ReadonlySet<string>): ReplayResult {
  return paramsView(result, event, undefined, hidden);
}

/**
 * Decides and publishes under the job's republish claim, so that of concurrent replays (or dead-letter
 * retries) of one job one republishes it: the next one decides after it, and finds the job stored.
 * Each claim is taken at its own time: one taken at the replay's start would be born lapsed on a
 * replay of many jobs that runs past the lease, and a concurrent retry could take it over.
 */
async function replayJob(bus: ReplayBus, job: Job, now: () => Date, actor: string | undefined): Promise<ReplayDecision> {
  const claimed = await withRepublishClaim(bus, job.id, now(), async () => {
    const decision = await decide(bus, job.id);
    if (decision !== 'requeued' && decision !== 'queued') return decision;
    // Read before the publish: a worker may dead-letter the new copy again before the letter is taken.
    const letter = decision === 'requeued' ? await bus.getDeadLetter(job.id) : undefined;
    // A 'queued' job is marked too: it may be new to these rules, or one that ran and reached its
    // destination long ago, whose records and stored copy retention has since removed, and the two
    // look alike. The mark makes the worker treat it as one that may have run (a crosspost looks for
    // its post first) and, as for a requeued job, lets it probe a destination marked gone.
    const data = { by: actor ?? 'api', reason: 'event replay' };
    await bus.record({ ref: job.id, kind: RecordKind.replay, time: now().toISOString(), data });
    // Bypass dedup: the id may be remembered from a copy that retention has since pruned.
    await bus.publish('jobs', { id: job.id, subject: job.action, payload: job }, { replay: true });
    if (letter) await bus.takeDeadLetter(job.id, letter.time);
    return decision;
  });
  // Another replay or retry is republishing it right now.
  return claimed ?? 'skipped-in-progress';
}

async function decide(bus: ReplayBus, jobId: string): Promise<ReplayDecision> {
  const records = await bus.records(jobId);
  const history = summarizeHistory(records);
  if (history.succeeded) return 'skipped-delivered';
  if (history.deadLettered) return 'requeued';
  const stored = await bus.get('jobs', jobId);
  if (stored === undefined) return 'queued';
  // Stored but neither delivered nor dead: a worker holds it (waiting for a retry); a second copy would race it.
  return 'skipped-in-progress';
}

async function recordPass(
  bus: ReplayBus,
  rule: string,
  jobs: string[],
  eventId: string,
  now: Date,
  actor: string | undefined,
): Promise<void> {
  await bus.record({
    ref: eventId,
    kind: 'rule',
    time: now.toISOString(),
    data: { rule, outcome: 'queued', jobs, replay: true, by: actor ?? 'api' },
  });
}
