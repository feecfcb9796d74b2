import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../src/actions/action.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import type { HubEvent } from '../../../src/events/hub-event.ts';
import { createMetaPublisher, type MetaPublisher } from '../../../src/meta/meta-publisher.ts';
import { createMetrics } from '../../../src/observability/metrics.ts';
import { eventually, openTempEmbeddedBus, silentLogger } from '../../helpers/hub-fixtures.ts';

let bus: EventBus;
let clock: Date;
const now = () => clock;
const publishers: MetaPublisher[] = [];

function publisher(metrics = createMetrics({ processMetrics: false })): MetaPublisher {
  const created = createMetaPublisher({ bus, logger: silentLogger, now, metrics });
  publishers.push(created);
  return created;
}

async function stored(type: string): Promise<HubEvent[]> {
  return (await bus.query<HubEvent>({ stream: 'events', afterSeq: 0, limit: 100 })).map((m) => m.payload).filter((e) => e.type === type);
}

const job = (eventType: string): Job => ({
  id: `e1:rule:0`,
  eventId: 'e1',
  eventType,
  rule: 'rule',
  index: 0,
  action: 'notify',
  params: {},
  createdAt: '2026-12-05T10:00:00Z',
});

beforeEach(async () => {
  bus = await openTempEmbeddedBus();
  clock = new Date('2026-12-05T10:01:00Z');
});
afterEach(async () => {
  for (const p of publishers.splice(0)) await p.stop();
  await bus.close();
});

describe('connector rejections', () => {
  it('counts refusals by reason per connector and publishes each 5-minute window once, when it ends', async () => {
    const meta = publisher();
    for (const status of [401, 401, 401, 400, 202]) meta.observeHook({ connector: 'github', status });
    meta.observeHook({ connector: 'stripe', status: 413 });
    await meta.flush();
    expect(await stored('hookhub.connector.rejections')).toEqual([]);
    clock = new Date('2026-12-05T10:05:00Z');
    await meta.flush();
    await meta.flush();
    const events = await stored('hookhub.connector.rejections');
    expect(events.map((e) => e.data)).toEqual([
      {
        connector: 'github',
        since: '2026-12-05T10:00:00.000Z',
        until: '2026-12-05T10:05:00.000Z',
        total: 4,
        counts: { bad_signature: 3, malformed: 1 },
      },
      { connector: 'stripe', since: '2026-12-05T10:00:00.000Z', until: '2026-12-05T10:05:00.000Z', total: 1, counts: { too_large: 1 } },
    ]);
    expect(events[0]).toMatchObject({
      source: '/hookhub',
      subject: 'github',
      title: '4 webhooks refused on connector github (3 bad_signature, 1 malformed)',
    });
  });

  it('keeps one event per connector and window when two hub processes report the same window', async () => {
    const [a, b] = [publisher(), publisher()];
    a.observeHook({ connector: 'github', status: 401 });
    b.observeHook({ connector: 'github', status: 401 });
    // A refusal in a later window closes the earlier one at once.
    clock = new Date('2026-12-05T10:06:00Z');
    a.observeHook({ connector: 'github', status: 401 });
    b.observeHook({ connector: 'github', status: 401 });
    await Promise.all([a.flush(), b.flush()]);
    await eventually(async () => (await stored('hookhub.connector.rejections')).length === 1, 5_000, 'the first window');
    await Promise.all([a.stop(), b.stop()]);
    expect((await stored('hookhub.connector.rejections')).map((e) => (e.data as { since: string }).since)).toEqual([
      '2026-12-05T10:00:00.000Z',
      '2026-12-05T10:05:00.000Z',
    ]);
  });
});

describe('a bus that refuses for a moment', () => {
  it('publishes the meta-event once the bus takes it again, instead of dropping it', async () => {
    let refusals = 2;
    const flaky = {
      publish: (...args: Parameters<EventBus['publish']>) =>
        refusals-- > 0 ? Promise.reject(new Error('bus unreachable')) : bus.publish(...args),
    };
    const meta = createMetaPublisher({ bus: flaky, logger: silentLogger, now, publishRetryMs: [10, 10, 10] });
    publishers.push(meta);
    meta.reloadFailed(['rules/a.yaml:3:5 bad'], 'rules');
    await eventually(async () => (await stored('hookhub.rules.reload_failed')).length === 1, 3_000, 'the reload_failed meta-event');
  });
});

describe('loop protection', () => {
  it('publishes a dead letter or circuit change of an ordinary job, and suppresses those of a job a meta-event triggered', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const meta = publisher(metrics);
    meta.trouble.deadLettered({
      job: job('github.push'),
      reason: 'permanent failure: HTTP 404',
      attempts: 1,
      destination: 'eng',
      time: clock.toISOString(),
    });
    meta.trouble.deadLettered({
      job: job('hookhub.job.dead_lettered'),
      reason: 'permanent failure: HTTP 404',
      attempts: 1,
      destination: 'ops',
      time: clock.toISOString(),
    });
    meta.trouble.circuitChanged({ destination: 'channel:ops', state: 'open', job: job('hookhub.destination.circuit_opened') });
    meta.trouble.circuitChanged({ destination: 'channel:eng', state: 'open', job: job('stripe.charge.failed') });
    await meta.stop();
    expect((await stored('hookhub.job.dead_lettered')).map((e) => e.data)).toMatchObject([
      { eventType: 'github.push', destination: 'eng' },
    ]);
    expect((await stored('hookhub.destination.circuit_opened')).map((e) => e.subject)).toEqual(['channel:eng']);
    const text = await metrics.registry.metrics();
    expect(text).toContain('hookhub_meta_events_total{type="hookhub.job.dead_lettered",outcome="suppressed"} 1');
    expect(text).toContain('hookhub_meta_events_total{type="hookhub.destination.circuit_opened",outcome="suppressed"} 1');
  });

  it('scheduled ticks are not meta-events: a failing report still reports its dead letter', async () => {
    const meta = publisher();
    meta.trouble.deadLettered({
      job: job('hookhub.schedule.weekly-digest'),
      reason: 'permanent failure',
      attempts: 1,
      destination: 'eng',
      time: clock.toISOString(),
    });
    await meta.stop();
    expect(await stored('hookhub.job.dead_lettered')).toHaveLength(1);
  });
});
