/**
 * An event replay of a job the bus has no trace of (new to the rules, or run long ago and pruned by
 * retention, records and stored copy both): the worker must treat it as one that may have run.
 * The real path on the embedded bus: rules, replayEvent, a delivery worker, retention.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Action, ActionContext, Job } from '../../src/actions/action.ts';
import { crosspostAction } from '../../src/actions/crosspost/index.ts';
import type { ActionRegistry } from '../../src/actions/registry.ts';
import { createDeliveryWorker, type DeliveryWorker } from '../../src/actions/runtime/delivery-worker.ts';
import { createGoneDestinations } from '../../src/actions/runtime/gone-destinations.ts';
import { createEmbeddedBus, type EmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { createHubEvent, type HubEvent } from '../../src/events/hub-event.ts';
import { replayEvent } from '../../src/operations/replay-event.ts';
import { compileRuleSources } from '../../src/rules/compile-rule-sources.ts';
import { planJobs } from '../../src/rules/plan-jobs.ts';
import type { RuleSet } from '../../src/rules/rule.ts';
import { eventually, tempDir } from '../helpers/hub-fixtures.ts';
import { startFakeApi, type FakeApi } from '../unit/actions/ci/fake-api.ts';
import { fakeMastodon, mastodonState } from '../unit/actions/crosspost/fake-mastodon.ts';

const DAY = 86_400_000;
/** The hub's clock, which the test moves on: the bus's retention and the worker read it. */
let offset = 0;
const now = () => new Date(Date.now() + offset);
const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  offset = 0;
});

async function openBus(): Promise<EmbeddedBus> {
  const bus = await createEmbeddedBus({ path: join(tempDir(), 'hookhub.db'), now, retentionMs: 7 * DAY, pruneEveryMs: DAY });
  stops.push(() => bus.close());
  return bus;
}

function startWorker(bus: EventBus, registry: ActionRegistry): DeliveryWorker {
  const worker = createDeliveryWorker({
    bus,
    registry,
    channels: {},
    logger: pino({ level: 'silent' }),
    now,
    options: { network: { allow: ['127.0.0.1'] }, retry: { schedule: [200], jitter: 0 }, attemptTimeoutMs: 5_000 },
  });
  worker.start();
  stops.push(() => worker.stop(0));
  return worker;
}

function rules(registry: ActionRegistry, action: string): RuleSet {
  const text = `rules:\n  - name: announce\n    on: github.release.published\n    do:\n      - ${action}\n`;
  const loaded = compileRuleSources([{ file: 'r.yaml', text }], { registry, channels: [], connectors: ['github'] });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.ruleSet;
}

async function storedRelease(bus: EventBus, id: string): Promise<HubEvent> {
  const event = createHubEvent({ id, type: 'github.release.published', connector: 'github', title: 'v2 is out', data: {} }, now());
  await bus.publish('events', { id: event.id, subject: event.type, payload: event });
  return event;
}

const attempts = async (bus: EventBus, jobId: string) => (await bus.records(jobId)).filter((r) => r.kind === 'attempt').map((r) => r.data);

describe('an event replay of a job the bus has no trace of', () => {
  it('a Mastodon job that posted and was pruned a week later looks for its status before posting again', async () => {
    const bus = await openBus();
    const state = mastodonState(now().toISOString());
    const api: FakeApi = await startFakeApi(fakeMastodon(state));
    stops.push(() => api.close());
    const registry: ActionRegistry = { crosspost: crosspostAction };
    const ruleSet = rules(registry, `crosspost: { platform: mastodon, instance: "${api.url}", token: masto-token, text: "{{title}}" }`);
    startWorker(bus, registry);

    // The router's run: the job is planned and posts once.
    const event = await storedRelease(bus, 'release-1');
    const [job] = planJobs(ruleSet.explain(event)[0]!, event, { registry, now }).jobs as [Job];
    await bus.publish('jobs', { id: job.id, subject: job.action, payload: job });
    await eventually(async () => (await attempts(bus, job.id)).length === 1, 10_000, 'the first post');
    expect(state.statuses).toHaveLength(1);

    // Eight days on: retention removes the job and its records (no router ever read the events stream,
    // so the event stays), and Mastodon has long forgotten the job's Idempotency-Key.
    offset += 8 * DAY;
    state.now = now().getTime();
    await bus.prune();
    expect(await bus.records(job.id)).toEqual([]);
    expect(await bus.get('jobs', job.id)).toBeUndefined();

    const replay = await replayEvent(bus, ruleSet, event, { registry, now, actor: 'alice' });
    expect(replay.jobs.map((j) => [j.id, j.decision])).toEqual([[job.id, 'queued']]);
    await eventually(async () => (await attempts(bus, job.id)).length > 0, 10_000, 'the replay');
    expect(await attempts(bus, job.id)).toMatchObject([
      {
        outcome: 'success',
        response: `already posted https://mastodon.example/@hub/${state.statuses[0]?.id}`,
      },
    ]);
    expect(state.statuses).toHaveLength(1);
  });

  it('a job new to the rules is told it may have run, and probes a destination marked gone instead of being dead-lettered unsent', async () => {
    const bus = await openBus();
    const seen: boolean[] = [];
    const probe: Action = {
      type: 'probe',
      paramsSchema: z.object({}),
      destination: () => 'probe',
      execute(_params, ctx: ActionContext) {
        seen.push(ctx.mayHaveRun);
        return Promise.resolve({ label: 'done' });
      },
    };
    const registry: ActionRegistry = { probe };
    await createGoneDestinations(bus, now).markGone('probe', 'earlier:job:0');
    startWorker(bus, registry);

    const event = await storedRelease(bus, 'release-2');
    const replay = await replayEvent(bus, rules(registry, 'probe: {}'), event, { registry, now });
    expect(replay.jobs.map((j) => j.decision)).toEqual(['queued']);
    const jobId = 'release-2:announce:0';
    // Settled either way: an attempt, or a dead letter written without one.
    const settled = async () => (await attempts(bus, jobId)).length > 0 || (await bus.getDeadLetter(jobId)) !== undefined;
    await eventually(settled, 10_000, 'the replayed job');
    expect(seen).toEqual([true]);
    expect(await bus.getDeadLetter(jobId)).toBeUndefined();
    expect(await attempts(bus, jobId)).toMatchObject([{ outcome: 'success', label: 'done' }]);
  });
});
