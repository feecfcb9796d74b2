/** Contract cases: history queries (time range, subject glob, cursor, limit), records, dead letters. */
import { expect, it } from 'vitest';
import type { DeadLetter, EventBus, StoredMessage } from '../../src/bus/event-bus.ts';
import { retryDeadLetters } from '../../src/actions/runtime/dead-letters.ts';
import { ack, delay, eventually, ids, message } from './bus-contract-helpers.ts';
import type { ContractContext } from './bus-contract.ts';

const TYPES = [
  'github.pull_request.opened',
  'github.push',
  'stripe.payment_intent.succeeded',
  'github.pull_request.closed',
  'github.pull_request.review.submitted',
];

/** Publish h1..h5 a little apart in time and return them as stored. */
async function publishHistory(bus: EventBus): Promise<StoredMessage[]> {
  const stored: StoredMessage[] = [];
  for (const [i, type] of TYPES.entries()) {
    if (i > 0) await delay(30);
    await bus.publish('events', message(`h${i + 1}`, type));
    const got = await bus.get('events', `h${i + 1}`);
    if (!got) throw new Error(`h${i + 1} was not stored`);
    stored.push(got);
  }
  return stored;
}

function deadLetter(id: string, hoursAgo: number): DeadLetter {
  const time = new Date(Date.now() - hoursAgo * 3_600_000).toISOString();
  return { id, subject: 'slack', payload: { id }, reason: `failed ${id}`, time, attempts: [{ status: 500 }] };
}

export function historyCases(ctx: ContractContext): void {
  it('queries by time range: since inclusive, until exclusive, oldest first', async () => {
    const { bus } = ctx.harness();
    const h = await publishHistory(bus);
    const since = new Date(h[1]?.time ?? '');
    const until = new Date(h[3]?.time ?? '');
    expect(ids(await bus.query({ stream: 'events', since, until }))).toEqual(['h2', 'h3']);
    expect(ids(await bus.query({ stream: 'events', since }))).toEqual(['h2', 'h3', 'h4', 'h5']);
    expect(ids(await bus.query({ stream: 'events', until }))).toEqual(['h1', 'h2', 'h3']);
    expect(await bus.query({ stream: 'jobs' })).toEqual([]);
  });

  it('filters by subject glob', async () => {
    const { bus } = ctx.harness();
    await publishHistory(bus);
    expect(ids(await bus.query({ stream: 'events', subject: 'github.**' }))).toEqual(['h1', 'h2', 'h4', 'h5']);
    expect(ids(await bus.query({ stream: 'events', subject: 'github.pull_request.*' }))).toEqual(['h1', 'h4']);
    expect(ids(await bus.query({ stream: 'events', subject: 'stripe.payment_intent.succeeded' }))).toEqual(['h3']);
    expect(ids(await bus.query({ stream: 'events', subject: '*.push' }))).toEqual(['h2']);
    expect(await bus.query({ stream: 'events', subject: 'gitlab.**' })).toEqual([]);
  });

  it('pages with the afterSeq cursor and limit', async () => {
    const { bus } = ctx.harness();
    const h = await publishHistory(bus);
    const pages: string[][] = [];
    let afterSeq: number | undefined;
    for (;;) {
      const page = await bus.query({ stream: 'events', limit: 2, ...(afterSeq ? { afterSeq } : {}) });
      if (page.length === 0) break;
      pages.push(ids(page));
      afterSeq = page[page.length - 1]?.seq;
    }
    expect(pages).toEqual([['h1', 'h2'], ['h3', 'h4'], ['h5']]);
    const filtered = await bus.query({ stream: 'events', subject: 'github.**', afterSeq: h[1]?.seq, limit: 1 });
    expect(ids(filtered)).toEqual(['h4']);
  });

  it('returns at most 100 messages by default', async () => {
    const { bus } = ctx.harness();
    await Promise.all(Array.from({ length: 120 }, (_, i) => bus.publish('jobs', message(`l${i}`, 'webhook'))));
    const page = await bus.query({ stream: 'jobs' });
    expect(page).toHaveLength(100);
    const rest = await bus.query({ stream: 'jobs', afterSeq: page[99]?.seq });
    expect(rest).toHaveLength(20);
  });

  it('appends and lists history records per ref, in order', async () => {
    const { bus } = ctx.harness();
    const time = new Date().toISOString();
    await bus.record({ ref: 'e1', kind: 'rule', time, data: { rule: 'notify', matched: true } });
    await bus.record({ ref: 'e2', kind: 'rule', time, data: { rule: 'other' } });
    await bus.record({ ref: 'e1', kind: 'attempt', time, data: { status: 200, ms: 12 } });
    const records = await bus.records('e1');
    expect(records.map((r) => r.kind)).toEqual(['rule', 'attempt']);
    expect(records[1]).toEqual({ ref: 'e1', kind: 'attempt', time, data: { status: 200, ms: 12 } });
    expect(await bus.records('nothing')).toEqual([]);
  });

  it('keeps dead letters, lists them since a time, and takes them out', async () => {
    const { bus } = ctx.harness();
    const [d1, d2, d3] = [deadLetter('j1', 3), deadLetter('j2', 2), deadLetter('j3', 1)];
    for (const d of [d1, d2, d3]) await bus.deadLetter(d);
    expect(await bus.deadLetters()).toEqual([d1, d2, d3]);
    expect(await bus.countDeadLetters()).toBe(3);
    expect(ids(await bus.deadLetters({ since: new Date(d2.time) }))).toEqual(['j2', 'j3']);
    expect(ids(await bus.deadLetters({ limit: 2 }))).toEqual(['j1', 'j2']);
    expect(await bus.takeDeadLetter('j2')).toEqual(d2);
    expect(await bus.takeDeadLetter('j2')).toBeUndefined();
    expect(ids(await bus.deadLetters())).toEqual(['j1', 'j3']);
    // Dead-lettering the same job again replaces it: still one letter per job.
    await bus.deadLetter(deadLetter('j1', 0));
    expect(await bus.countDeadLetters()).toBe(2);
  });

  it('keeps dead letters until purged, and purges only those from before a time', async () => {
    const { bus } = ctx.harness();
    for (const d of [deadLetter('old1', 50), deadLetter('old2', 40), deadLetter('new1', 1)]) await bus.deadLetter(d);
    expect(await bus.purgeDeadLetters(new Date(Date.now() - 10 * 3600_000))).toBe(2);
    expect(ids(await bus.deadLetters())).toEqual(['new1']);
    expect(await bus.purgeDeadLetters(new Date(Date.now() - 10 * 3600_000))).toBe(0);
    expect(await bus.countDeadLetters()).toBe(1);
  });

  it('gets one dead letter by id, and pages them newest first with a cursor', async () => {
    const { bus } = ctx.harness();
    const letters = [deadLetter('p1', 5), deadLetter('p2', 4), deadLetter('p3', 3), deadLetter('p4', 2), deadLetter('p5', 1)];
    for (const d of letters) await bus.deadLetter(d);
    expect(await bus.getDeadLetter('p3')).toEqual(letters[2]);
    expect(await bus.getDeadLetter('nope')).toBeUndefined();
    const first = await bus.deadLetterPage({ limit: 2 });
    expect(ids(first.letters)).toEqual(['p5', 'p4']);
    const second = await bus.deadLetterPage({ limit: 2, ...(first.next ? { cursor: first.next } : {}) });
    expect(ids(second.letters)).toEqual(['p3', 'p2']);
    const last = await bus.deadLetterPage({ limit: 2, ...(second.next ? { cursor: second.next } : {}) });
    expect(last).toEqual({ letters: [letters[0]] });
    const since = await bus.deadLetterPage({ limit: 10, since: new Date(Date.now() - 2.5 * 3_600_000) });
    expect(ids(since.letters)).toEqual(['p5', 'p4']);
  });

  it('replays dead letters in pages: each is delivered again as the same job and leaves the queue', async () => {
    const { bus } = ctx.harness();
    const letters = Array.from({ length: 150 }, (_, i) => deadLetter(`r${String(i).padStart(3, '0')}`, 1));
    for (const d of letters) await bus.deadLetter(d);
    const retried = await retryDeadLetters(bus, { all: true });
    expect(retried).toHaveLength(150);
    expect(await bus.countDeadLetters()).toBe(0);
    const worker = ctx.pumps().start(bus.consume('jobs', 'worker', { ackWaitMs: 5_000, batch: 200 }), ack);
    await eventually(() => worker.received.length >= 150, 'the replayed jobs');
    expect(new Set(ids(worker.received))).toEqual(new Set(ids(letters)));
    expect(worker.received.find((d) => d.id === 'r007')?.payload).toEqual({ id: 'r007' });
  });

  it('keeps a job dead-lettered again while its retry was under way: the retry takes only the letter it replayed', async () => {
    const { bus } = ctx.harness();
    const first = deadLetter('again', 2);
    await bus.deadLetter(first);
    const second = { ...deadLetter('again', 0), reason: 'permanent failure: 400 on the retry' };
    // A worker takes the republished job and dead-letters it again before the retry has taken the first letter.
    const racing = {
      ...pick(bus),
      publish: async (...args: Parameters<EventBus['publish']>) => {
        const result = await bus.publish(...args);
        await bus.deadLetter(second);
        return result;
      },
    };
    expect(await retryDeadLetters(racing, { id: 'again' })).toEqual([{ id: 'again', subject: 'slack' }]);
    expect(await bus.getDeadLetter('again')).toEqual(second);
    expect(await bus.takeDeadLetter('again', first.time)).toBeUndefined();
    expect(await bus.takeDeadLetter('again', second.time)).toEqual(second);
  });
}

/** The roles retryDeadLetters uses, bound to `bus`. */
function pick(bus: EventBus) {
  return {
    record: bus.record.bind(bus),
    getDeadLetter: bus.getDeadLetter.bind(bus),
    deadLetters: bus.deadLetters.bind(bus),
    takeDeadLetter: bus.takeDeadLetter.bind(bus),
    deadLetter: bus.deadLetter.bind(bus),
    deadLetterPage: bus.deadLetterPage.bind(bus),
    countDeadLetters: bus.countDeadLetters.bind(bus),
    purgeDeadLetters: bus.purgeDeadLetters.bind(bus),
    records: bus.records.bind(bus),
    countRecords: bus.countRecords.bind(bus),
    recordRange: bus.recordRange.bind(bus),
    kv: bus.kv.bind(bus),
  };
}
