/**
 * The rule router end to end on both bus backends: an event on `events` becomes jobs on `jobs`
 * with the idempotency key `${event.id}:${rule}:${index}` and rendered params; replaying the
 * event (or redelivering it after a crash before the ack) produces no duplicate jobs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/actions/action.ts';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import type { HubEvent } from '../../src/events/hub-event.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import type { RuleSet } from '../../src/rules/rule.ts';
import { loadEventStatus } from '../../src/operations/event-status.ts';
import { planJobs } from '../../src/rules/plan-jobs.ts';
import { createRuleRouter, type RuleRouter, type RuleRouterOptions } from '../../src/rules/rule-router.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { compileYaml, event, testRegistry } from '../unit/rules/test-context.ts';

const RULES = `rules:
  - name: big-payment
    on: stripe.payment_intent.*
    when:
      data.amount: { $gte: 1000 }
    do:
      - notify: { channel: payments, text: "{{title}}: {{money data.amount data.currency}}" }
      - webhook: { url: "https://example.com/hook", body: { id: "{{id}}", amount: "{{value data.amount}}", note: "{{data.note}}" } }
  - name: small-payment
    on: stripe.payment_intent.succeeded
    when:
      data.amount: { $lt: 1000 }
    do:
      - notify: { channel: payments, text: "small" }
`;

const natsServer = useNatsServer();
let counter = 0;

const backends: [string, () => Promise<{ bus: EventBus; cleanup: () => Promise<void> }>][] = [
  [
    'embedded',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'hookhub-router-'));
      const bus = await createEmbeddedBus({ path: join(dir, 'hookhub.db') });
      return {
        bus,
        cleanup: async () => {
          await bus.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    'nats',
    async () => {
      const bus = await createNatsBus({ url: natsServer().url, prefix: `router${process.pid}x${++counter}` });
      return { bus, cleanup: () => bus.close() };
    },
  ],
];

/** A started router over `bus` with the test registry and no logs. */
function startRouter(bus: EventBus, ruleSet: RuleSet, options: Partial<RuleRouterOptions> = {}): RuleRouter {
  const router = createRuleRouter({
    bus,
    getRuleSet: () => ruleSet,
    registry: testRegistry,
    logger: pino({ level: 'silent' }),
    now: () => new Date(),
    ...options,
  });
  router.start();
  return router;
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `ruleSet`, whose explain() throws a bug of the event's own (not the store's or the bus's) its first `times` calls. */
function failingFirst(ruleSet: RuleSet, times: number): RuleSet {
  let left = times;
  return {
    rules: ruleSet.rules,
    scheduled: ruleSet.scheduled,
    files: ruleSet.files,
    match: (e) => ruleSet.match(e),
    considers: (type) => ruleSet.considers(type),
    explain: (e) => {
      if (left-- > 0) throw new Error('a rule met data it did not expect');
      return ruleSet.explain(e);
    },
  };
}

describe.each(backends)('rule router on the %s bus', (_name, open) => {
  let cleanup: (() => Promise<void>) | undefined;
  let router: RuleRouter | undefined;
  afterEach(async () => {
    await router?.stop();
    await cleanup?.();
    router = undefined;
    cleanup = undefined;
  });

  /** A bus of this backend with a router running `yaml`'s rules. */
  async function openWithRules(yaml: string): Promise<{ bus: EventBus }> {
    const opened = await open();
    cleanup = opened.cleanup;
    const loaded = compileYaml(yaml);
    expect(loaded.ok).toBe(true);
    router = startRouter(opened.bus, loaded.ruleSet);
    return { bus: opened.bus };
  }

  it('publishes one rendered job per matched (rule, action), records outcomes, and dedups a replay', async () => {
    const opened = await open();
    cleanup = opened.cleanup;
    const { bus } = opened;
    const loaded = compileYaml(RULES);
    expect(loaded.diagnostics).toEqual([]);
    const now = () => new Date('2026-01-05T12:00:00Z');
    const metrics = createMetrics({ processMetrics: false });
    router = startRouter(bus, loaded.ruleSet, { now, metrics });

    const ev = event({
      id: 'evt_42',
      type: 'stripe.payment_intent.succeeded',
      connector: 'stripe',
      title: 'Payment "pi_1" succeeded',
      data: { amount: 123456, currency: 'eur', note: 'line1\n"quoted" \u2028 </script> 😀' },
    });
    await bus.publish('events', { id: ev.id, subject: ev.type, payload: ev });

    const jobs = await eventually(
      () => bus.query<Job>({ stream: 'jobs' }),
      (j) => j.length >= 2,
      'two jobs',
    );
    expect(jobs.map((j) => j.id).sort()).toEqual(['evt_42:big-payment:0', 'evt_42:big-payment:1']);
    const notify = jobs.find((j) => j.id === 'evt_42:big-payment:0');
    expect(notify?.subject).toBe('notify');
    expect(notify?.payload).toMatchObject({
      id: 'evt_42:big-payment:0',
      eventId: 'evt_42',
      eventType: 'stripe.payment_intent.succeeded',
      rule: 'big-payment',
      index: 0,
      action: 'notify',
      params: { channel: 'payments', text: 'Payment "pi_1" succeeded: €1,234.56' },
      createdAt: '2026-01-05T12:00:00.000Z',
    });
    const webhook = jobs.find((j) => j.id === 'evt_42:big-payment:1');
    expect(webhook?.payload.params).toEqual({
      url: 'https://example.com/hook',
      body: { id: 'evt_42', amount: 123456, note: ev.data && (ev.data as { note: string }).note },
    });

    const records = await eventually(
      () => bus.records('evt_42'),
      (r) => r.length >= 2,
      'rule outcome records',
    );
    const outcomes = records.filter((r) => r.kind === 'rule').map((r) => r.data);
    expect(outcomes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'big-payment', outcome: 'queued', jobs: ['evt_42:big-payment:0', 'evt_42:big-payment:1'] }),
        expect.objectContaining({
          rule: 'small-payment',
          outcome: 'skipped',
          reason: 'when',
          failed: [{ clause: 'data.amount', condition: { $lt: 1000 }, actual: 123456 }],
        }),
      ]),
    );
    const matches = () => metrics.registry.getSingleMetricAsString('hookhub_rule_matches_total');
    await eventually(matches, (text) => text.includes('hookhub_rule_matches_total{rule="big-payment"} 1'), 'one match counted');
    expect(await matches()).not.toContain('small-payment');

    // The same event published again on purpose (replay) is routed again: its jobs are not duplicated.
    await bus.publish('events', { id: ev.id, subject: ev.type, payload: ev }, { replay: true });
    await eventually(
      () => bus.records('evt_42'),
      (r) => r.filter((x) => x.kind === 'rule').length >= 4,
      'the replay routed',
    );
    const after = await bus.query({ stream: 'jobs' });
    expect(after.map((j) => j.id).sort()).toEqual(['evt_42:big-payment:0', 'evt_42:big-payment:1']);
    await eventually(matches, (text) => text.includes('hookhub_rule_matches_total{rule="big-payment"} 2'), 'the replay counted as a match');
  });

  it('redelivers an event whose jobs were published just before a crash; the jobs are not duplicated', async () => {
    const opened = await open();
    cleanup = opened.cleanup;
    const { bus } = opened;
    const loaded = compileYaml(RULES);
    const now = () => new Date('2026-01-05T12:00:00Z');
    const ev = event({
      id: 'evt_crash',
      type: 'stripe.payment_intent.succeeded',
      connector: 'stripe',
      data: { amount: 5000, currency: 'usd' },
    });
    await bus.publish('events', { id: ev.id, subject: ev.type, payload: ev });

    // A router that publishes the jobs and dies before acking the event.
    const crashing = bus.consume<HubEvent>('events', 'router', { ackWaitMs: 300 });
    for await (const delivery of crashing) {
      const jobs = loaded.ruleSet
        .explain(delivery.payload)
        .flatMap((v) => planJobs(v, delivery.payload, { registry: testRegistry, now }).jobs);
      for (const job of jobs) await bus.publish('jobs', { id: job.id, subject: job.action, payload: job });
      break;
    }
    await crashing.stop();
    expect((await bus.query({ stream: 'jobs' })).length).toBe(2);

    router = startRouter(bus, loaded.ruleSet, { now, ackWaitMs: 300 });
    const records = await eventually(
      () => bus.records('evt_crash'),
      (r) => r.some((x) => x.data.outcome === 'queued'),
      'the redelivered event routed',
    );
    expect(records.find((x) => x.data.outcome === 'queued')?.data.delivery).toBeGreaterThanOrEqual(2);
    const jobs = await bus.query({ stream: 'jobs' });
    expect(jobs.map((j) => j.id).sort()).toEqual(['evt_crash:big-payment:0', 'evt_crash:big-payment:1']);
  });

  it('records an action that fails to render without stopping, and nothing for an event no rule took', async () => {
    const { bus } = await openWithRules(`rules:
  - name: fragile
    on: github.push
    do:
      - notify: { channel: eng, text: "{{value data.text}}" }
      - notify: { channel: eng, text: "fine" }
`);
    const unmatched = event({ id: 'evt_none', type: 'github.issues.opened' });
    // The text renders as the number 42, which notify's params refuse.
    const broken = event({ id: 'evt_bad', type: 'github.push', data: { text: 42 } });
    await bus.publish('events', { id: unmatched.id, subject: unmatched.type, payload: unmatched });
    await bus.publish('events', { id: broken.id, subject: broken.type, payload: broken });

    // Routed (the router has finished it) with no record: its status reads `unmatched`, not `pending`.
    await eventually(
      () => loadEventStatus(bus, 'evt_none'),
      (status) => status === 'unmatched',
      'evt_none routed',
    );
    expect(await bus.records('evt_none')).toEqual([]);
    const bad = await eventually(
      () => bus.records('evt_bad'),
      (r) => r.length >= 1,
      'error record',
    );
    expect(bad[0]?.data).toMatchObject({
      rule: 'fragile',
      outcome: 'error',
      jobs: ['evt_bad:fragile:1'],
      errors: [{ index: 0, action: 'notify' }],
    });
    const jobs = await bus.query({ stream: 'jobs' });
    expect(jobs.map((j) => j.id)).toEqual(['evt_bad:fragile:1']);
  });

  it('finishes an event whose type no rule takes without reading it; one a rule takes must be a HubEvent', async () => {
    const { bus } = await openWithRules(`rules: [{ name: pushes, on: github.push, do: [{ notify: { channel: eng, text: push } }] }]`);
    await bus.publish('events', { id: 'raw_other', subject: 'github.issues.opened', payload: 'not an event' });
    await bus.publish('events', { id: 'raw_push', subject: 'github.push', payload: 'not an event' });

    const bad = await eventually(
      () => bus.records('raw_push'),
      (r) => r.length >= 1,
      'error record',
    );
    expect(bad[0]?.data).toMatchObject({ outcome: 'error', error: 'not a HubEvent' });
    await eventually(
      () => loadEventStatus(bus, 'raw_other'),
      (status) => status === 'unmatched',
      'raw_other finished',
    );
    expect(await bus.records('raw_other')).toEqual([]);
    expect(await bus.query({ stream: 'jobs' })).toEqual([]);
  });

  it("routes an event redelivered past the limit for others' trouble when its own routing then fails once", async () => {
    const opened = await open();
    cleanup = opened.cleanup;
    const { bus } = opened;
    const ev = event({ id: 'evt_waited', type: 'stripe.payment_intent.succeeded', data: { amount: 5000, currency: 'usd' } });
    await bus.publish('events', { id: ev.id, subject: ev.type, payload: ev });
    // Put back 4 times (a store outage's naks), then held by a hub that dies: the router's is its 6th delivery.
    const waiting = bus.consume<HubEvent>('events', 'router', { ackWaitMs: 300 });
    for await (const delivery of waiting) {
      if (delivery.deliveryCount === 5) break;
      await delivery.nak(0);
    }
    await waiting.stop();

    router = startRouter(bus, failingFirst(compileYaml(RULES).ruleSet, 1), { ackWaitMs: 300, retryDelayMs: 20 });
    const records = await eventually(
      () => bus.records(ev.id),
      (r) => r.filter((x) => x.kind === 'rule').length >= 2 || r.some((x) => x.data.outcome === 'error'),
      'the event routed or terminated',
    );
    expect(records.filter((x) => x.kind === 'rule').map((x) => x.data.outcome)).toEqual(['queued', 'skipped']);
    expect(records.filter((x) => x.kind === 'message-failure')).toHaveLength(1);
    const jobs = await bus.query({ stream: 'jobs' });
    expect(jobs.map((j) => j.id).sort()).toEqual(['evt_waited:big-payment:0', 'evt_waited:big-payment:1']);
  });

  it('terminates an event on the 5th failure of its own, counted across a restart of the hub', async () => {
    const opened = await open();
    cleanup = opened.cleanup;
    const { bus } = opened;
    const ev = event({ id: 'evt_poison', type: 'stripe.payment_intent.succeeded', data: { amount: 5000, currency: 'usd' } });
    await bus.publish('events', { id: ev.id, subject: ev.type, payload: ev });
    const failures = async () => (await bus.records(ev.id)).filter((x) => x.kind === 'message-failure').length;

    const broken = failingFirst(compileYaml(RULES).ruleSet, Infinity);
    const retryDelayMs = 100;
    router = startRouter(bus, broken, { ackWaitMs: 300, retryDelayMs });
    await eventually(failures, (n) => n >= 2, 'two failures');
    await router.stop();
    router = startRouter(bus, broken, { ackWaitMs: 300, retryDelayMs });
    const records = await eventually(
      () => bus.records(ev.id),
      (r) => r.some((x) => x.kind === 'rule'),
      'the event terminated',
    );
    expect(records.find((x) => x.kind === 'rule')?.data).toMatchObject({ outcome: 'error', error: 'a rule met data it did not expect' });
    expect(await failures()).toBe(5);
    expect(await bus.query({ stream: 'jobs' })).toEqual([]);
  });
});

describe('rule router on the nats bus while the jobs stream does not answer', () => {
  let router: RuleRouter | undefined;
  const closing: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await router?.stop();
    router = undefined;
    for (const close of closing.splice(0)) await close();
  });

  it('keeps the event (not terminated as a bad one) and routes it once the stream is back', async () => {
    const url = natsServer().url;
    const prefix = `routerjobs${process.pid}x${++counter}`;
    const bus = await createNatsBus({ url, prefix, timeoutMs: 300 });
    closing.push(() => bus.close());
    const ev = event({ id: 'evt_outage', type: 'stripe.payment_intent.succeeded', data: { amount: 5000, currency: 'usd' } });
    await bus.publish('events', { id: ev.id, subject: ev.type, payload: ev });

    // The JOBS stream not taking its subjects: publishing to it finds no responders, as while a cluster has no
    // leader for it. (A deleted stream is created again by the bus: nats-store-repair.ts.)
    const nc = await connect({ servers: url });
    closing.push(() => nc.close());
    const jsm = await jetstreamManager(nc);
    const jobsStream = `${prefix.toUpperCase()}_JOBS`;
    const { subjects } = (await jsm.streams.info(jobsStream)).config;
    await jsm.streams.update(jobsStream, { subjects: [`${prefix}.elsewhere.>`] });

    const loaded = compileYaml(RULES);
    router = startRouter(bus, loaded.ruleSet, { retryDelayMs: 20 });
    const terminated = async () => (await bus.records(ev.id)).some((r) => r.data.outcome === 'error');
    // The router makes its durable once it has read the consumer floors (nats-consumer-floors.ts): none yet is 0.
    const delivered = () =>
      jsm.consumers.info(`${prefix.toUpperCase()}_EVENTS`, 'router').then(
        (info) => info.delivered.consumer_seq,
        () => 0,
      );
    // Past the 5 deliveries after which an event that itself fails to route is terminated.
    await eventually(
      async () => (await terminated()) || (await delivered()) > 6,
      (done) => done,
      'six deliveries of the event',
    );
    expect(await terminated()).toBe(false);

    await jsm.streams.update(jobsStream, { subjects });
    const jobs = await eventually(
      () => bus.query({ stream: 'jobs' }),
      (j) => j.length === 2,
      'the event routed once the stream is back',
    );
    expect(jobs.map((j) => j.id).sort()).toEqual(['evt_outage:big-payment:0', 'evt_outage:big-payment:1']);
  });
});
