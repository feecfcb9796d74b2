/** Contract cases: counts for charts, of events (by bucket, type, connector) and of history records (by bucket, kind, outcome). */
import { expect, it } from 'vitest';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { createHubEvent } from '../../src/events/hub-event.ts';
import { delay } from './bus-contract-helpers.ts';
import type { ContractContext } from './bus-contract.ts';

const HOUR = 3_600_000;

async function publish(bus: EventBus, id: string, type: string, connector: string): Promise<void> {
  const event = createHubEvent({ id, type, connector, data: { padding: 'x'.repeat(2_000) } });
  await bus.publish('events', { id, subject: type, payload: event });
}

/** In one order whatever the order of their keys. */
const byFields = <T extends object>(counts: T[]): T[] => {
  const key = (count: T) => JSON.stringify(Object.entries(count).sort(([a], [b]) => a.localeCompare(b)));
  return [...counts].sort((a, b) => key(a).localeCompare(key(b)));
};

export function countCases(ctx: ContractContext): void {
  it('counts events by bucket, type and connector, in [since, until)', async () => {
    const { bus } = ctx.harness();
    await publish(bus, 'e1', 'github.push', 'github');
    await delay(20);
    await publish(bus, 'e2', 'github.push', 'github');
    await publish(bus, 'e3', 'github.push', 'github-ent');
    await publish(bus, 'e4', 'stripe.charge.succeeded', 'stripe');
    await bus.publish('jobs', { id: 'e1:r:0', subject: 'notify', payload: {} });
    await delay(20);
    await publish(bus, 'e5', 'hookhub.job.dead_lettered', 'hookhub');
    const heads = (await bus.eventHeads({})).heads.reverse();
    const time = (i: number) => Date.parse(heads[i]?.received ?? '');
    const since = time(0) - 1;
    expect(byFields(await bus.countEvents({ since: new Date(since), until: new Date(time(4) + 1), bucketMs: HOUR }))).toEqual(
      byFields([
        { start: since, type: 'github.push', connector: 'github', count: 2 },
        { start: since, type: 'github.push', connector: 'github-ent', count: 1 },
        { start: since, type: 'stripe.charge.succeeded', connector: 'stripe', count: 1 },
        { start: since, type: 'hookhub.job.dead_lettered', connector: 'hookhub', count: 1 },
      ]),
    );
    // One-millisecond buckets start at each event's own stored time; `until` leaves out e5, `since` e1.
    const fine = await bus.countEvents({ since: new Date(time(1)), until: new Date(time(4)), bucketMs: 1 });
    expect(fine.reduce((n, c) => n + c.count, 0)).toBe(3);
    expect(new Set(fine.map((c) => c.start))).toEqual(new Set([time(1), time(2), time(3)]));
    expect(await bus.countEvents({ since: new Date(time(4) + 1), until: new Date(time(4) + HOUR), bucketMs: HOUR })).toEqual([]);
  });

  it('counts history records of some kinds by bucket, kind and outcome', async () => {
    const { bus } = ctx.harness();
    const since = Date.now() - 1;
    const record = (ref: string, kind: string, data: Record<string, unknown>) =>
      bus.record({ ref, kind, time: new Date().toISOString(), data });
    await record('j1', 'attempt', { outcome: 'retry', status: 503 });
    await record('j1', 'attempt', { outcome: 'success', status: 200 });
    await record('j2', 'attempt', { outcome: 'success', status: 200 });
    await record('j3', 'attempt', { status: 'no outcome' });
    await record('j4', 'dead-letter', { reason: 'gone' });
    await record('e1', 'rule', { rule: 'notify', outcome: 'matched' });
    const counts = await bus.countRecords({
      since: new Date(since),
      until: new Date(Date.now() + HOUR),
      bucketMs: HOUR,
      kinds: ['attempt', 'dead-letter'],
    });
    expect(byFields(counts)).toEqual(
      byFields([
        { start: since, kind: 'attempt', outcome: 'retry', count: 1 },
        { start: since, kind: 'attempt', outcome: 'success', count: 2 },
        { start: since, kind: 'attempt', count: 1 },
        { start: since, kind: 'dead-letter', count: 1 },
      ]),
    );
    expect(
      await bus.countRecords({
        since: new Date(Date.now() + HOUR),
        until: new Date(Date.now() + 2 * HOUR),
        bucketMs: HOUR,
        kinds: ['attempt'],
      }),
    ).toEqual([]);
  });

  it('lists the history records of some kinds stored in a range, oldest first, the newest up to a limit', async () => {
    const { bus } = ctx.harness();
    const since = Date.now() - 1;
    const record = (ref: string, kind: string, data: Record<string, unknown>) =>
      bus.record({ ref, kind, time: new Date().toISOString(), data });
    await record('j1', 'attempt', { outcome: 'retry', latencyMs: 5, channel: 'ops' });
    await record('e1', 'rule', { rule: 'notify', outcome: 'matched' });
    await record('j2', 'attempt', { outcome: 'success', latencyMs: 7, channel: '' });
    await record('j3', 'attempt', { outcome: 'success', latencyMs: 9, channel: 'ops' });
    const until = new Date(Date.now() + HOUR);
    const all = await bus.recordRange({ since: new Date(since), until, kinds: ['attempt'], limit: 10 });
    expect(all.truncated).toBe(false);
    expect(all.records.map((r) => [r.ref, r.kind, r.data])).toEqual([
      ['j1', 'attempt', { outcome: 'retry', latencyMs: 5, channel: 'ops' }],
      ['j2', 'attempt', { outcome: 'success', latencyMs: 7, channel: '' }],
      ['j3', 'attempt', { outcome: 'success', latencyMs: 9, channel: 'ops' }],
    ]);
    const newest = await bus.recordRange({ since: new Date(since), until, kinds: ['attempt'], limit: 2 });
    expect(newest).toMatchObject({ truncated: true, records: [{ ref: 'j2' }, { ref: 'j3' }] });
    expect(
      (await bus.recordRange({ since: until, until: new Date(until.getTime() + HOUR), kinds: ['attempt'], limit: 10 })).records,
    ).toEqual([]);
  });
}
