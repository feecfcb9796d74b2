/** Contract cases: event heads, newest first, by time, type and connector, in pages bounded by a span. */
import { expect, it } from 'vitest';
import type { EventBus, EventHead, EventHeadQuery } from '../../src/bus/event-bus.ts';
import { EVENT_HEAD_TEXT_LIMIT } from '../../src/bus/event-head.ts';
import { createHubEvent } from '../../src/events/hub-event.ts';
import { delay } from './bus-contract-helpers.ts';
import type { ContractContext } from './bus-contract.ts';

const EVENTS = [
  { type: 'github.pull_request.opened', connector: 'github' },
  { type: 'github.push', connector: 'github' },
  { type: 'stripe.charge.succeeded', connector: 'stripe' },
  { type: 'github.push', connector: 'github-ent' },
  { type: 'github.pull_request.closed', connector: 'github' },
  { type: 'stripe.charge.refunded', connector: 'stripe' },
];

/** e1..e6, 30 ms apart; returns when each was stored (ISO), from the heads themselves. */
async function publishEvents(bus: EventBus): Promise<EventHead[]> {
  for (const [i, { type, connector }] of EVENTS.entries()) {
    if (i > 0) await delay(30);
    const event = createHubEvent({ id: `e${i + 1}`, type, connector, subject: `subject-${i + 1}`, title: `Title ${i + 1}`, data: { i } });
    await bus.publish('events', { id: event.id, subject: event.type, payload: event });
    // A job between events, as a router writes them: the heads are of events only.
    await bus.publish('jobs', { id: `e${i + 1}:r:0`, subject: 'notify', payload: {} });
  }
  return (await bus.eventHeads({})).heads;
}

const ids = (heads: readonly EventHead[]) => heads.map((h) => h.id);

/** Every head the query finds, page after page, newest first. */
async function allPages(bus: EventBus, query: EventHeadQuery): Promise<{ ids: string[]; pages: number }> {
  const found: string[] = [];
  let pages = 0;
  for (let beforeSeq: number | undefined; ; pages++) {
    const page = await bus.eventHeads({ ...query, ...(beforeSeq ? { beforeSeq } : {}) });
    found.push(...ids(page.heads));
    if (page.next === undefined || pages > 20) return { ids: found, pages: pages + 1 };
    beforeSeq = page.next;
  }
}

export function headCases(ctx: ContractContext): void {
  it('lists event heads newest first, with what a list row shows and no payload', async () => {
    const { bus } = ctx.harness();
    const heads = await publishEvents(bus);
    expect(ids(heads)).toEqual(['e6', 'e5', 'e4', 'e3', 'e2', 'e1']);
    const stored = await bus.get('events', 'e4');
    expect(heads[2]).toEqual({
      seq: stored?.seq,
      id: 'e4',
      type: 'github.push',
      received: stored?.time,
      connector: 'github-ent',
      subject: 'subject-4',
      title: 'Title 4',
      time: (stored?.payload as { time: string }).time,
    });
    expect(heads[2]).not.toHaveProperty('payload');
  });

  it('filters heads by type glob, connector and time range', async () => {
    const { bus } = ctx.harness();
    const heads = await publishEvents(bus);
    const find = async (query: EventHeadQuery) => ids((await bus.eventHeads(query)).heads);
    expect(await find({ type: 'github.push' })).toEqual(['e4', 'e2']);
    expect(await find({ type: 'github.**' })).toEqual(['e5', 'e4', 'e2', 'e1']);
    expect(await find({ type: 'github.pull_request.*' })).toEqual(['e5', 'e1']);
    expect(await find({ type: '*.charge.*' })).toEqual(['e6', 'e3']);
    expect(await find({ type: 'gitlab.**' })).toEqual([]);
    expect(await find({ connector: 'github' })).toEqual(['e5', 'e2', 'e1']);
    expect(await find({ connector: 'github', type: 'github.push' })).toEqual(['e2']);
    const since = new Date(heads[4]?.received ?? ''); // e2
    const until = new Date(heads[1]?.received ?? ''); // e5
    expect(await find({ since, until })).toEqual(['e4', 'e3', 'e2']);
    expect(await find({ since, until, type: 'stripe.**' })).toEqual(['e3']);
    expect(await find({ since: new Date(Date.now() + 60_000) })).toEqual([]);
  });

  it('pages heads by the next cursor, without gap or repeat', async () => {
    const { bus } = ctx.harness();
    await publishEvents(bus);
    const first = await bus.eventHeads({ limit: 4 });
    expect(ids(first.heads)).toEqual(['e6', 'e5', 'e4', 'e3']);
    const second = await bus.eventHeads({ limit: 4, beforeSeq: first.next! });
    expect(ids(second.heads)).toEqual(['e2', 'e1']);
    expect(second.next).toBeUndefined();
    expect(await allPages(bus, { type: 'github.**', limit: 1 })).toEqual({ ids: ['e5', 'e4', 'e2', 'e1'], pages: 4 });
  });

  it('looks back at most `span` seqs per call, and says where to go on', async () => {
    const { bus } = ctx.harness();
    await publishEvents(bus);
    const page = await bus.eventHeads({ type: 'stripe.charge.succeeded', span: 1 });
    expect(page.heads).toEqual([]);
    expect(page.next).toBeDefined();
    const walked = await allPages(bus, { type: 'stripe.charge.succeeded', span: 1 });
    expect(walked.ids).toEqual(['e3']);
    expect(walked.pages).toBeGreaterThan(1);
  });

  it('keeps heads small: long texts are cut, texts that are not strings are left out', async () => {
    const { bus } = ctx.harness();
    const event = {
      ...createHubEvent({ id: 'long', type: 'github.push', connector: 'github', data: {} }),
      title: 'x'.repeat(10_000),
      actor: 42,
    };
    await bus.publish('events', { id: 'long', subject: 'github.push', payload: event });
    await bus.publish('events', { id: 'odd', subject: 'custom.thing', payload: [1, 2] });
    const [odd, long] = (await bus.eventHeads({})).heads;
    expect(long?.title).toBe('x'.repeat(EVENT_HEAD_TEXT_LIMIT));
    expect(long).not.toHaveProperty('actor');
    expect(odd).toMatchObject({ id: 'odd', type: 'custom.thing', connector: '' });
  });
}
