/**
 * A NATS node that freezes (SIGSTOP: a frozen VM, a long pause, one side of a partition) keeps its sockets
 * open and answers nothing, so no client gets a reset: the hub has to notice by itself. A hub on a 3-node
 * JetStream cluster with `replicas: 3` takes 200 webhooks/s for 55 s; 5 s in, one node is frozen and stays
 * frozen until the measurement ends (then it is continued and killed, so no process is left stopped):
 * - `connected`: the node the hub's connection is on, made leader of the events stream first;
 * - `events-leader`: the node leading the events stream while the hub is connected to another one.
 * Every 202 reaches the sink, under one idempotency key; re-sent webhooks are duplicates; nothing hangs;
 * the only other answer is a 503 with Retry-After, and those stop within RECOVERED_WITHIN_MS of the freeze;
 * /readyz says not ready while they come and ready after; a hub on the frozen node leaves it within
 * LEFT_WITHIN_MS, and one on a healthy node stays there (no false alarm under load).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sinkRule, type BusChoice } from '../../bench/lib/hub-config.ts';
import { eventually } from '../helpers/hub-fixtures.ts';
import { deployedTuning, startNatsCluster, type NatsCluster } from '../helpers/nats-cluster.ts';
import { summarizeAnswers } from './helpers/answer-summary.ts';
import { assetName, openClusterLeaders, type Asset } from './helpers/cluster-leaders.ts';
import { startCountingSink, type CountingSink } from './helpers/counting-sink.ts';
import { deliveryReport, sinkKey, whileProgressing } from './helpers/delivery-checks.ts';
import { longestPause } from './helpers/delivery-timeline.ts';
import { createFaultHub, faultDir, stopAll, type FaultHub } from './helpers/fault-hub.ts';
import { createFreezer } from './helpers/node-freeze.ts';
import { nodeSockets, watchNodeSockets, type SocketSample } from './helpers/node-sockets.ts';
import { watchReadiness } from './helpers/readiness-watch.ts';
import { missingEvents } from './helpers/stored-events.ts';
import { sendAll, startPacedLoad, type Answer } from './helpers/webhook-load.ts';

const RATE = 200;
const LOAD_MS = 55_000;
const FREEZE_AFTER_MS = 5_000;
/** A request still unanswered after this is a hang. */
const HANG_MS = 10_000;
/** The hub leaves a frozen node it is connected to within this (3 pings of 1 s unanswered, then the next server). */
const LEFT_WITHIN_MS = 8_000;
/**
 * No 503 after this. Not the hub's bound but nats-server's (2.9.10): writes wait for new leaders (5-11 s). With the
 * default write_deadline (10 s), some runs stopped again until 33-41 s: a healthy node kept its route to the frozen
 * one while any byte of its backlog went through, and stalled publishes once that backlog passed 32 MB. The cluster
 * runs deploy/nats-cluster.conf's 2 s, which closed those routes 8-21 s in (docs/operations.md).
 */
const RECOVERED_WITHIN_MS = 20_000;
const REPORT = fileURLToPath(new URL('../artifacts/nats-node-freeze.json', import.meta.url));

type Case = 'connected' | 'events-leader';
const EVENTS: Asset = { stream: 'HOOKHUB_EVENTS' };
const SHOWN: readonly Asset[] = [
  EVENTS,
  { stream: 'HOOKHUB_EVENTS', durable: 'router' },
  { stream: 'HOOKHUB_JOBS' },
  { stream: 'HOOKHUB_JOBS', durable: 'workers' },
  { stream: 'HOOKHUB_HISTORY' },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The node the hub is connected to (it has one NATS connection). */
function connectedNode(hub: FaultHub, cluster: NatsCluster): string {
  const sockets = nodeSockets(hub.process().pid, cluster);
  if (sockets.length !== 1) throw new Error(`expected one NATS connection, found ${JSON.stringify(sockets)}`);
  return sockets[0]!.node;
}

/** Puts the events stream's leader on the hub's node (`connected`) or off it; returns the node to freeze. */
async function placeLeader(which: Case, hub: FaultHub, cluster: NatsCluster) {
  const connectedTo = connectedNode(hub, cluster);
  const leaders = await openClusterLeaders(cluster);
  try {
    const target = await leaders.moveLeader(EVENTS, (l) => (which === 'connected' ? l === connectedTo : l !== connectedTo));
    const placement: Record<string, string> = {};
    for (const asset of SHOWN) placement[assetName(asset)] = await leaders.leaderOf(asset).catch(() => '');
    return { target, connectedTo, placement };
  } finally {
    await leaders.close();
  }
}

/** What the hub's connection did: where it was before the freeze (one connection: no false alarm), and after. */
function connectionTimeline(samples: readonly SocketSample[], frozen: string, frozenAt: number) {
  const before = samples.filter((s) => s.at < frozenAt).flatMap((s) => s.sockets);
  const after = samples.filter((s) => s.at >= frozenAt);
  const ports = new Set(before.map((k) => k.localPort));
  const stayed = after.every((s) => s.sockets.some((k) => ports.has(k.localPort)));
  const elsewhere = after.find((s) => s.sockets.some((k) => k.node !== frozen));
  // Each connection the hub had after the freeze, with when it was first seen (a reconnect is a new local port).
  const seen = new Map<number, string>();
  for (const s of after) for (const k of s.sockets) if (!seen.has(k.localPort)) seen.set(k.localPort, `${k.node}@${s.at - frozenAt}`);
  return {
    connectionsAfterFreeze: [...seen.values()],
    nodesBeforeFreeze: [...new Set(before.map((k) => k.node))],
    connectionsBeforeFreeze: ports.size,
    stayedConnected: stayed,
    reconnectedElsewhereAfterFreezeMs: stayed || elsewhere === undefined ? null : elsewhere.at - frozenAt,
  };
}

function saveRecord(which: Case, record: object): void {
  mkdirSync(new URL('../artifacts/', import.meta.url), { recursive: true });
  const all = existsSync(REPORT) ? (JSON.parse(readFileSync(REPORT, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(REPORT, `${JSON.stringify({ ...all, [which]: record }, null, 2)}\n`);
}

/** Load, freeze, and every answer; the node stays frozen. */
async function freezeUnderLoad(which: Case, hub: FaultHub, cluster: NatsCluster, freeze: (node: string) => number) {
  const placed = await placeLeader(which, hub, cluster);
  // Moving a leader makes the hub's reads fail for a moment: the load starts on a hub that says it is ready.
  await eventually(async () => (await fetch(`${hub.url}/readyz`)).status === 200, 15_000, '/readyz to answer ready before the load');
  const readiness = watchReadiness(hub.url);
  const sockets = watchNodeSockets(hub.process().pid, cluster);
  const load = startPacedLoad(hub.url, `fr-${randomUUID().slice(0, 8)}`, RATE, HANG_MS);
  await sleep(FREEZE_AFTER_MS);
  const frozenAt = freeze(placed.target);
  await sleep(LOAD_MS - FREEZE_AFTER_MS);
  const answers = await load.stop();
  return { ...placed, frozenAt, answers, readiness, sockets };
}

function checkAnswers(answers: readonly Answer[], frozenAt: number): void {
  // Nothing hung or failed: every answer is a 202, or a 503 telling the provider when to retry.
  expect(answers.filter((a) => a.outcome !== 202 && a.outcome !== 503).map((a) => `${a.id}: ${a.outcome}`)).toEqual([]);
  expect(answers.filter((a) => a.outcome === 503 && a.retryAfter === undefined)).toEqual([]);
  // Taking webhooks again soon after the freeze, and from then on.
  expect(answers.filter((a) => a.outcome === 503 && a.endedAt > frozenAt + RECOVERED_WITHIN_MS).length).toBe(0);
  expect(answers.some((a) => a.outcome === 202 && a.startedAt > frozenAt + RECOVERED_WITHIN_MS)).toBe(true);
}

/** Re-sent deliveries (around the freeze and a sample of the rest) are recognized by id and make no new jobs. */
async function checkResend(hub: FaultHub, sink: CountingSink, answers: readonly Answer[], accepted: string[], frozenAt: number) {
  const around = answers.filter((a) => a.outcome === 202 && Math.abs(a.startedAt - frozenAt) < 3_000).map((a) => a.id);
  const again = await sendAll(hub.url, [...new Set([...around, ...accepted.filter((_, i) => i % 20 === 0)])]);
  const notDuplicate = again.filter((a) => a.outcome !== 202 || !(JSON.parse(a.body) as { duplicate: boolean }).duplicate);
  expect(notDuplicate.map((a) => `${a.id}: ${a.outcome}`)).toEqual([]);
  const keysBefore = sink.keys().length;
  await sleep(2_000);
  expect(sink.keys().length).toBe(keysBefore);
}

type Run = Awaited<ReturnType<typeof freezeUnderLoad>>;

/** Waits for every accepted webhook at the sink and for /readyz to say ready; records what happened. */
async function measure(which: Case, run: Run, hub: FaultHub, sink: CountingSink) {
  const { answers, frozenAt } = run;
  const accepted = answers.filter((a) => a.outcome === 202).map((a) => a.id);
  // Recorded before anything is asserted: a run that never recovers is a measurement too.
  const since = (): number => Date.now() - frozenAt;
  const deliveredAllAfterFreezeMs = await whileProgressing(() => accepted.filter((id) => !sink.effects.has(sinkKey(id))).length).then(
    since,
    () => null,
  );
  const ready = async () => (await fetch(`${hub.url}/readyz`, { signal: AbortSignal.timeout(5_000) })).status === 200;
  const readyAgainAfterFreezeMs = await eventually(ready, 30_000).then(since, () => null);
  const notReady = await run.readiness.stop();
  const connection = connectionTimeline(run.sockets.stop(), run.target, frozenAt);
  const record = {
    natsConfig: deployedTuning(),
    frozen: run.target,
    hubConnectedTo: run.connectedTo,
    leadersBefore: run.placement,
    ...summarizeAnswers(answers, frozenAt),
    ...connection,
    notReady:
      notReady.length === 0
        ? null
        : { fromMs: notReady[0]!.at - frozenAt, toMs: notReady.at(-1)!.at - frozenAt, first: notReady[0]!.answer },
    longestDeliveryPause: longestPause(sink.visits, frozenAt),
    deliveredAllAfterFreezeMs,
    readyAgainAfterFreezeMs,
    keysSentAgain: [...sink.received.values()].filter((n) => n > 1).length,
  };
  saveRecord(which, record);
  // The wall-clock time of the freeze, to read nats-server's logs against.
  console.log(`node freeze (${which}) at ${new Date(frozenAt).toISOString()}: ${JSON.stringify(record)}`);
  return { accepted, record };
}

async function runCase(which: Case): Promise<void> {
  const cluster = await startNatsCluster(3);
  const sink = await startCountingSink();
  const freezer = createFreezer();
  const bus: BusChoice = { type: 'nats', url: cluster.url, replicas: 3 };
  const rules = { 'sink.yaml': sinkRule(sink.url) };
  const hub = await createFaultHub({ dir: faultDir(`freeze-${which}`), bus, rules, allowlist: ['127.0.0.1'] });
  try {
    await hub.start();
    const run = await freezeUnderLoad(which, hub, cluster, (node) => freezer.freeze(cluster.node(node)));
    const { accepted, record } = await measure(which, run, hub, sink);
    checkAnswers(run.answers, run.frozenAt);
    expect(record.readyAgainAfterFreezeMs).not.toBeNull();
    const report = deliveryReport(
      sink,
      accepted,
      run.answers.map((a) => a.id),
    );
    expect(report.undelivered).toEqual([]);
    expect(report.unknown).toEqual([]);
    await checkResend(hub, sink, run.answers, accepted, run.frozenAt);
    // No false alarm under load before the freeze; the hub leaves only a frozen node it is connected to.
    expect(record.nodesBeforeFreeze).toEqual([run.connectedTo]);
    expect(record.connectionsBeforeFreeze).toBe(1);
    expect(record.stayedConnected).toBe(which === 'events-leader');
    if (which === 'connected') expect(record.reconnectedElsewhereAfterFreezeMs ?? Infinity).toBeLessThan(LEFT_WITHIN_MS);
    // /readyz said so while webhooks were refused.
    if (record.refused503 > 0) expect(record.notReady).not.toBeNull();
    freezer.thawAll();
    await cluster.node(run.target).kill();
    await hub.kill('SIGTERM');
    expect(await missingEvents(bus, accepted)).toEqual([]);
  } finally {
    freezer.thawAll();
    await stopAll([hub]);
    await sink.close();
    await cluster.stop();
  }
}

describe('a NATS node freezes under load', () => {
  it(
    'the node the hub is connected to (and the events leader): nothing lost, nothing hangs, 503s end soon',
    () => runCase('connected'),
    300_000,
  );
  it('the events leader, the hub connected elsewhere: nothing lost, nothing hangs, 503s end soon', () => runCase('events-leader'), 300_000);
});
