/**
 * Losing the NATS node that leads the worker side is a non-event too. A hub on a 3-node cluster with
 * `replicas: 3` takes 100 webhooks/s for 12 s into a slow sink (250 ms) that fails every 8th job's first
 * attempt, so jobs are both in flight and waiting out a 2 s retry delay. The jobs stream, the workers'
 * durable consumer and the history stream are moved onto one node that leads neither the events stream
 * nor the router's consumer; 5 s in, that node is killed (-9) and stays down. Every 202 reaches the
 * sink, only jobs the sink had in hand at the kill may come again, nothing is dead-lettered, and /readyz
 * says ready again after. The delivery pause is measured against the server's own elections.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sinkRule, type BusChoice } from '../../bench/lib/hub-config.ts';
import { eventually } from '../helpers/hub-fixtures.ts';
import { startNatsCluster, type NatsCluster } from '../helpers/nats-cluster.ts';
import { assetName, openClusterLeaders, watchElections, type Asset, type ClusterLeaders } from './helpers/cluster-leaders.ts';
import { startCountingSink, type CountingSink, type SinkAnswer } from './helpers/counting-sink.ts';
import { deliveryReport } from './helpers/delivery-checks.ts';
import { extraRequests, jobsAt, longestPause } from './helpers/delivery-timeline.ts';
import { createFaultHub, faultDir, stopAll, type FaultHub } from './helpers/fault-hub.ts';
import { watchReadiness } from './helpers/readiness-watch.ts';
import { openBus } from './helpers/stored-events.ts';
import { startPacedLoad, type Answer } from './helpers/webhook-load.ts';

const RATE = 100;
const LOAD_MS = 12_000;
const KILL_AFTER_MS = 5_000;
const SINK_DELAY_MS = 250;
/** Every FAIL_EVERY-th webhook's job fails its first attempt and waits RETRY_DELAY before its second. */
const FAIL_EVERY = 8;
const RETRY_DELAY = '2s';
/** A job answered 2xx this long before the kill may still have had its record and ack on the way. */
const SETTLE_MS = 1_000;
const REPORT = fileURLToPath(new URL('../artifacts/nats-jobs-leader-loss.json', import.meta.url));

const EVENTS: Asset = { stream: 'HOOKHUB_EVENTS' };
const ROUTER: Asset = { stream: 'HOOKHUB_EVENTS', durable: 'router' };
const WORKERS: Asset = { stream: 'HOOKHUB_JOBS', durable: 'workers' };
const HISTORY: Asset = { stream: 'HOOKHUB_HISTORY' };
/** Where jobs are stored and pulled from, and where each attempt is recorded. */
const WORKER_SIDE: readonly Asset[] = [{ stream: 'HOOKHUB_JOBS' }, WORKERS, HISTORY];
const SHOWN: readonly Asset[] = [EVENTS, ROUTER, ...WORKER_SIDE, { stream: 'KV_hookhub_content' }, { stream: 'KV_hookhub_dlq' }];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Keys are `<prefix>-<n>:to-sink:0`. */
const scriptedToFail = (key: string): boolean => Number(key.split(':')[0]!.split('-').pop()) % FAIL_EVERY === 0;
const answer = (key: string, attempt: number): SinkAnswer => (attempt === 1 && scriptedToFail(key) ? 'error' : { delayMs: SINK_DELAY_MS });

let cluster: NatsCluster;
let sink: CountingSink;
beforeAll(async () => {
  cluster = await startNatsCluster(3);
  sink = await startCountingSink(answer);
}, 60_000);
afterAll(async () => {
  await sink?.close();
  await cluster?.stop();
});

/** Puts the worker side on one node that leads neither the events stream nor the router's consumer; returns it. */
async function placeWorkerSide(leaders: ClusterLeaders): Promise<{ target: string; placement: Record<string, string> }> {
  const events = await leaders.settledLeader(EVENTS);
  const workers = await leaders.settledLeader(WORKERS);
  const target = workers !== events ? workers : cluster.nodes.map((n) => n.name).find((n) => n !== events)!;
  await leaders.moveLeader(ROUTER, (l) => l !== target);
  for (const asset of WORKER_SIDE) await leaders.moveLeader(asset, (l) => l === target);
  const placement: Record<string, string> = {};
  for (const asset of SHOWN) placement[assetName(asset)] = await leaders.leaderOf(asset);
  expect([placement[assetName(EVENTS)], placement[assetName(ROUTER)]]).not.toContain(target);
  return { target, placement };
}

/** The load, with the worker side's node killed 5 s in; resolves once the load has stopped. */
async function loseWorkerSideUnderLoad(hub: FaultHub) {
  const leaders = await openClusterLeaders(cluster);
  let placed;
  try {
    await eventually(() => leaders.leaderOf(WORKERS), 15_000, 'the workers consumer');
    placed = await placeWorkerSide(leaders);
  } finally {
    await leaders.close();
  }
  const { target, placement } = placed;
  // Moving leaders makes the hub's reads fail for a moment: the load starts on a hub that says it is ready.
  await eventually(async () => (await fetch(`${hub.url}/readyz`)).status === 200, 15_000, '/readyz to answer ready before the load');
  const readiness = watchReadiness(hub.url);
  const load = startPacedLoad(hub.url, `jl-${randomUUID().slice(0, 8)}`, RATE);
  await sleep(KILL_AFTER_MS);
  const killedAt = Date.now();
  await cluster.node(target).kill();
  const led = SHOWN.filter((a) => placement[assetName(a)] === target);
  const elections = watchElections(cluster, led, target, killedAt).catch((err: Error) => ({ error: err.message }));
  await sleep(LOAD_MS - KILL_AFTER_MS);
  const answers = await load.stop();
  return { target, placement, killedAt, answers, readiness, elections, inHand: jobsAt(sink.visits, killedAt, SETTLE_MS) };
}

type Run = Awaited<ReturnType<typeof loseWorkerSideUnderLoad>>;

async function summarize(run: Run, answers: readonly Answer[], deliveredAllAfterKillMs: number, repeats: Map<string, number[]>) {
  const { killedAt } = run;
  const elected = await run.elections;
  const pause = longestPause(sink.visits, killedAt);
  const notReady = await run.readiness.stop();
  // Workers pull from their consumer's leader and read each job's history from the history's leader; the jobs
  // stream's own leader only takes new jobs (a consumer reads stored ones from its own replica).
  const lastLeader = Math.max(...[WORKERS, HISTORY].map((a) => (elected as Record<string, number>)[assetName(a)] ?? NaN));
  return {
    nodeKilled: run.target,
    leadersBefore: run.placement,
    sent: answers.length,
    accepted: answers.filter((a) => a.outcome === 202).length,
    refused503: answers.filter((a) => a.outcome === 503).length,
    jobsInHandAtKill: { awaitingAnswer: run.inHand.awaitingAnswer.size, awaitingRetry: run.inHand.awaitingRetry.size },
    newLeadersAfterKillMs: elected,
    longestDeliveryPause: { ...pause, endsAfterKillMs: pause.startsAfterMs + pause.pauseMs },
    ...(Number.isNaN(lastLeader) ? {} : { resumedAfterConsumerAndHistoryLeadersMs: pause.startsAfterMs + pause.pauseMs - lastLeader }),
    deliveredAllAfterKillMs,
    notReady:
      notReady.length === 0
        ? null
        : { fromMs: notReady[0]!.at - killedAt, toMs: notReady.at(-1)!.at - killedAt, first: notReady[0]!.answer },
    repeatedJobs: Object.fromEntries([...repeats].map(([key, times]) => [key, times.map((t) => t - killedAt)])),
  };
}

describe('the NATS node leading the worker side dies under load', () => {
  it('delivers every acknowledged webhook, repeats only jobs in hand at the kill, dead-letters none', async () => {
    const bus: BusChoice = { type: 'nats', url: cluster.url, replicas: 3 };
    const policy = { concurrency: 64, retry: { schedule: Array(4).fill(RETRY_DELAY), jitter: 0 }, circuitBreaker: { failures: 1_000 } };
    const rules = { 'sink.yaml': sinkRule(sink.url, policy) };
    // Readiness reports a consumer with work and no progress for 5 s: the election is long enough to show.
    const hub = await createFaultHub({ dir: faultDir('jobs-leader-loss'), bus, rules, allowlist: ['127.0.0.1'], stallAfter: '5s' });
    try {
      await hub.start();
      const run = await loseWorkerSideUnderLoad(hub);
      const { answers, killedAt, inHand } = run;
      expect(answers.filter((a) => a.outcome !== 202 && a.outcome !== 503).map((a) => `${a.id}: ${a.outcome}`)).toEqual([]);
      const accepted = answers.filter((a) => a.outcome === 202).map((a) => a.id);
      await eventually(() => deliveryReport(sink, accepted, []).undelivered.length === 0, 60_000, 'every accepted webhook delivered');
      const deliveredAllAfterKillMs = Date.now() - killedAt;
      // Time for a job sent again after the last delivery (a lost ack comes back after the 10 s ack wait) to show.
      await sleep(3_000);
      const repeats = extraRequests(sink.visits, (key) => (scriptedToFail(key) ? 2 : 1));
      const summary = await summarize(run, answers, deliveredAllAfterKillMs, repeats);
      mkdirSync(new URL('../artifacts/', import.meta.url), { recursive: true });
      writeFileSync(REPORT, `${JSON.stringify(summary, null, 2)}\n`);
      console.log(`jobs leader loss: ${JSON.stringify(summary)}`);

      const report = deliveryReport(
        sink,
        accepted,
        answers.map((a) => a.id),
      );
      expect(report.undelivered).toEqual([]);
      expect(report.unknown).toEqual([]);
      expect(inHand.awaitingRetry.size).toBeGreaterThan(0);
      // At least once: a job the sink had in hand at the kill may come again (same idempotency key); no other.
      expect([...repeats.keys()].filter((key) => !inHand.awaitingAnswer.has(key) && !inHand.awaitingRetry.has(key))).toEqual([]);
      await eventually(async () => (await fetch(`${hub.url}/readyz`)).status === 200, 30_000, '/readyz to answer ready');
      await hub.kill('SIGTERM');
      const store = await openBus(bus);
      try {
        expect(await store.countDeadLetters()).toBe(0);
        // Listing reads through a consumer made for it, which nats-server may place on the dead node.
        expect(await store.deadLetters()).toEqual([]);
      } finally {
        await store.close();
      }
    } finally {
      await stopAll([hub]);
    }
  }, 150_000);
});
