import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stackedBarChartSvg } from '../../../src/actions/report/stacked-chart-svg.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';
import { loadChannelLatency } from '../../../src/operations/channel-latency.ts';
import { eventsChartSvg, latencyChartSvg, outcomesChartSvg } from '../../../src/operations/dashboard-charts.ts';
import { loadEventActivity } from '../../../src/operations/delivery-activity.ts';
import { openTempEmbeddedBus } from '../../helpers/hub-fixtures.ts';

let bus: EventBus;
beforeEach(async () => {
  bus = await openTempEmbeddedBus();
});
afterEach(() => bus.close());

async function publishEvent(id: string, connector: string, type = `${connector}.ping`) {
  const event = createHubEvent({ id, type, connector, data: {} });
  await bus.publish('events', { id, subject: type, payload: event });
}

/** `named`: the attempt records name their channel, as the delivery workers write them. */
async function publishJob(id: string, channel: string, attempts: { outcome: string; latencyMs: number }[], dead = false, named = false) {
  await bus.publish('jobs', {
    id,
    subject: 'notify',
    payload: {
      id,
      eventId: 'e',
      eventType: 'x',
      rule: 'r',
      index: 0,
      action: 'notify',
      params: { channel },
      createdAt: new Date().toISOString(),
    },
  });
  for (const [i, a] of attempts.entries())
    await bus.record({
      ref: id,
      kind: 'attempt',
      time: new Date().toISOString(),
      data: { attempt: i + 1, ...a, ...(named ? { channel } : {}) },
    });
  if (dead) await bus.record({ ref: id, kind: 'dead-letter', time: new Date().toISOString(), data: { reason: 'permanent failure' } });
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('dashboard activity', () => {
  it('counts the last hour of events by connector and delivery outcomes, and leaves out the hub meta-events', async () => {
    await publishEvent('g1', 'github');
    await publishEvent('g2', 'github');
    await publishEvent('s1', 'stripe');
    await publishEvent('m1', 'hookhub', 'hookhub.job.dead_lettered');
    await publishJob('j1', 'ops', [
      { outcome: 'retry', latencyMs: 5 },
      { outcome: 'success', latencyMs: 7 },
    ]);
    await publishJob('j2', 'ops', [{ outcome: 'failed', latencyMs: 9 }], true);
    const activity = await loadEventActivity(bus, new Date());
    expect(activity.buckets).toHaveLength(60);
    expect(activity.connectors).toEqual(['github', 'stripe']);
    expect(sum(activity.buckets.map((b) => b.events.github ?? 0))).toBe(2);
    expect(sum(activity.buckets.map((b) => b.events.stripe ?? 0))).toBe(1);
    expect(sum(activity.buckets.map((b) => b.outcomes.delivered))).toBe(1);
    expect(sum(activity.buckets.map((b) => b.outcomes.retrying))).toBe(1);
    expect(sum(activity.buckets.map((b) => b.outcomes.deadLettered))).toBe(1);
    expect(eventsChartSvg(activity)).toContain(
      '<desc id="chart-events-desc">3 events in the last hour from 2 connector(s): github, stripe.',
    );
    expect(outcomesChartSvg(activity)).toContain('1 delivered, 1 retrying, 1 dead-lettered in the last hour.');
  });

  it('counts the hour with the bus counts, reading no event, job or record', async () => {
    await publishEvent('g1', 'github');
    await publishEvent('s1', 'stripe');
    await publishJob('j1', 'ops', [{ outcome: 'success', latencyMs: 5 }]);
    // The bus as the chart sees it, minus every read that hands out messages or records.
    const countsOnly = new Proxy(bus, {
      get(target, key) {
        if (key === 'query' || key === 'get' || key === 'records' || key === 'eventHeads')
          return () => Promise.reject(new Error(`${String(key)} reads what a count does not need`));
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const activity = await loadEventActivity(countsOnly, new Date());
    expect(activity.connectors).toEqual(['github', 'stripe']);
    expect(sum(activity.buckets.map((b) => sum(Object.values(b.events))))).toBe(2);
    expect(sum(activity.buckets.map((b) => b.outcomes.delivered))).toBe(1);
    expect(activity.truncated).toBe(false);
  });

  it('gives each channel its p50 and p99 latency and error rate over 24 h', async () => {
    const latencies = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    await publishJob(
      'ok',
      'ops',
      latencies.map((latencyMs, i) => ({ outcome: i === 9 ? 'retry' : 'success', latencyMs })),
    );
    await publishJob('other', 'eng', [{ outcome: 'success', latencyMs: 1 }]);
    const [ops, idle] = await loadChannelLatency(bus, ['ops', 'idle'], new Date());
    expect(ops).toMatchObject({ name: 'ops', attempts: 10, failures: 1, errorRate: 0.1, p50Ms: 50, p99Ms: 100 });
    expect(ops?.hours).toHaveLength(24);
    expect(sum(ops?.hours.map((h) => h.attempts) ?? [])).toBe(10);
    expect(idle).toMatchObject({ name: 'idle', attempts: 0, errorRate: 0 });
    expect(idle?.p50Ms).toBeUndefined();
    expect(latencyChartSvg(ops!)).toContain('p50 50 ms, p99 100 ms, error rate 10.0%');
  });

  it('gives the same latencies from attempt records that name their channel, reading no job or payload', async () => {
    const latencies = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    const attempts = latencies.map((latencyMs, i) => ({ outcome: i === 9 ? 'retry' : 'success', latencyMs }));
    await publishJob('ok', 'ops', attempts.slice(0, 4), false, true);
    await publishJob('ok2', 'ops', attempts.slice(4), false, true);
    await publishJob('other', 'eng', [{ outcome: 'success', latencyMs: 1 }], false, true);
    const noPayloads = new Proxy(bus, {
      get(target, key) {
        if (key === 'query' || key === 'get' || key === 'records' || key === 'eventHeads')
          return () => Promise.reject(new Error(`${String(key)} reads what the chart does not need`));
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const [ops, eng] = await loadChannelLatency(noPayloads, ['ops', 'eng'], new Date());
    expect(ops).toMatchObject({ name: 'ops', attempts: 10, failures: 1, errorRate: 0.1, p50Ms: 50, p99Ms: 100, truncated: false });
    expect(sum(ops?.hours.map((h) => h.attempts) ?? [])).toBe(10);
    expect(eng).toMatchObject({ name: 'eng', attempts: 1, failures: 0, p50Ms: 1 });
    // Attempts written before records named their channel: the job says it, and the answer is the same.
    const legacy = await openTempEmbeddedBus();
    const named = bus;
    try {
      bus = legacy;
      await publishJob('ok', 'ops', attempts.slice(0, 4));
      await publishJob('ok2', 'ops', attempts.slice(4));
      await publishJob('other', 'eng', [{ outcome: 'success', latencyMs: 1 }]);
      const fromJobs = await loadChannelLatency(legacy, ['ops', 'eng'], new Date());
      expect(fromJobs.map(({ hours, ...rest }) => ({ ...rest, attempts: sum(hours.map((h) => h.attempts)) }))).toEqual(
        [ops!, eng!].map(({ hours, ...rest }) => ({ ...rest, attempts: sum(hours.map((h) => h.attempts)) })),
      );
    } finally {
      bus = named;
      await legacy.close();
    }
  });
});

describe('stackedBarChartSvg', () => {
  const series = [
    { key: 'a', label: 'A <one>', color: '#123456' },
    { key: 'b', label: 'B', color: 'red;background:url(x)' },
  ];

  it('is labelled by its title and desc, escapes text, and carries no script, style or outside reference', () => {
    const svg = stackedBarChartSvg([{ label: '12:00', title: '12:00 UTC', values: { a: 3, b: 1 } }], series, {
      id: 'x',
      title: 'T & co',
      desc: 'D "quoted"',
    });
    expect(svg).toContain('aria-labelledby="x-title x-desc"');
    expect(svg).toContain('<title id="x-title">T &amp; co</title>');
    expect(svg).toContain('<desc id="x-desc">D &quot;quoted&quot;</desc>');
    expect(svg).toContain('A &lt;one&gt;');
    expect(svg).not.toMatch(/<script|<style|style=|href=|url\(/);
    expect(svg).toContain('fill="#888"');
  });

  it('stacks the segments: the tallest column fills the plot and a segment is as tall as its share', () => {
    const svg = stackedBarChartSvg(
      [
        { label: '1', title: 'one', values: { a: 3, b: 1 } },
        { label: '2', title: 'two', values: { a: 2 } },
      ],
      series,
      { id: 'y', title: 't', desc: 'd', height: 200 },
    );
    const heights = [...svg.matchAll(/<rect [^>]*height="([\d.]+)"[^>]*><title>([^<]+)<\/title>/g)].map((m) => [m[2], Number(m[1])]);
    // Plot height is 200 - 26 - 22 = 152 for the column total of 4.
    expect(heights).toEqual([
      ['one · A &lt;one&gt;: 3', 114],
      ['one · B: 1', 38],
      ['two · A &lt;one&gt;: 2', 76],
    ]);
  });
});
