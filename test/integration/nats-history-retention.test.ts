/**
 * History retention on NATS carries a kept ref's old records to the stream's tail and then purges the
 * front once: the requests of a pass grow with the kept refs, never with all refs (a dead letter sits
 * for days, and a request per other ref behind it would be tens of thousands a minute). A record a
 * worker writes during a carry stops it, and a reader never counts a record twice.
 */
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createNatsBus, type NatsBus } from '../../src/bus/nats/nats-bus.ts';
import { createCork } from '../../src/bus/nats/nats-cork.ts';
import { carryForward } from '../../src/bus/nats/nats-history-carry.ts';
import { COPY_HEADER, readRecords } from '../../src/bus/nats/nats-history.ts';
import { sweepHistory, type HistorySweep } from '../../src/bus/nats/nats-history-retention.ts';
import { createNatsNames } from '../../src/bus/nats/nats-names.ts';
import { useNatsServer } from '../helpers/nats-server.ts';

const natsServer = useNatsServer();
let counter = 0;
let prefix: string;
let bus: NatsBus;
let nc: NatsConnection;

beforeEach(async () => {
  prefix = `hist${++counter}`;
  bus = await createNatsBus({ url: natsServer().url, prefix, pruneEveryMs: 3_600_000 });
  nc = await connect({ servers: natsServer().url });
});

afterEach(async () => {
  await bus.close();
  await nc.close();
});

const names = () => createNatsNames(prefix);
const record = (ref: string, n: number | string) => bus.record({ ref, kind: 'attempt', time: new Date().toISOString(), data: { n } });
const numbers = async (ref: string) => (await bus.records(ref)).map((r) => r.data.n);
const stored = async (jsm: JetStreamManager) => (await jsm.streams.info(names().historyStream)).state.messages;
const deadLetter = (id: string) =>
  bus.deadLetter({ id, subject: 'slack', payload: {}, reason: 'test', time: new Date().toISOString(), attempts: [] });

/** The sweep's dependencies on a connection of the test's own, so that the test can wrap them. */
async function sweepDeps(
  wrap: { js?: JetStreamClient; jsm?: JetStreamManager; oldestSeq?: Map<string, number> } = {},
): Promise<HistorySweep> {
  const js = jetstream(nc);
  const n = names();
  return {
    js: wrap.js ?? js,
    jsm: wrap.jsm ?? (await jetstreamManager(nc)),
    history: { stream: n.historyStream, subject: (key) => `${n.prefix}.history.${key}` },
    jobs: { stream: n.stream('jobs'), filter: n.filter('jobs') },
    deadLetters: await new Kvm(js).open(n.deadLetterBucket),
    oldestSeq: wrap.oldestSeq ?? new Map<string, number>(),
  };
}

/** A JetStreamManager whose purges are counted: `{ filter }` for a per-subject purge, `{}` for the front. */
function countingPurges(jsm: JetStreamManager): { jsm: JetStreamManager; purges: { filter?: string }[] } {
  const purges: { filter?: string }[] = [];
  const purge: JetStreamManager['streams']['purge'] = (stream, options) => {
    purges.push(options && 'filter' in options ? { filter: options.filter } : {});
    return jsm.streams.purge(stream, options);
  };
  const streams = Object.create(jsm.streams, { purge: { value: purge } }) as JetStreamManager['streams'];
  return { jsm: Object.create(jsm, { streams: { value: streams } }) as JetStreamManager, purges };
}

/** Every record stored so far is before the cutoff (stored times are the server's, on this machine). */
const cutoff = () => Date.now() + 1;

it('carries a kept ref’s records through two sweeps in order, with one purge for all the finished refs', async () => {
  await deadLetter('dead');
  for (const n of [0, 1, 2]) for (const ref of ['done-a', 'dead', 'done-b', 'done-c']) await record(ref, n);
  const counted = countingPurges(await jetstreamManager(nc));
  const deps = await sweepDeps({ jsm: counted.jsm });
  // The carried records stay: only the finished refs' records went.
  expect(await sweepHistory(deps, cutoff())).toBe(9);
  expect(await numbers('dead')).toEqual([0, 1, 2]);
  for (const ref of ['done-a', 'done-b', 'done-c']) expect(await bus.records(ref)).toEqual([]);
  const deadSubject = names().historySubject('dead');
  expect(counted.purges).toEqual([{ filter: deadSubject }, {}]);

  await record('dead', 3);
  await record('done-d', 0);
  counted.purges.length = 0;
  expect(await sweepHistory(deps, cutoff())).toBe(1);
  expect(await numbers('dead')).toEqual([0, 1, 2, 3]);
  expect(await bus.records('done-d')).toEqual([]);
  expect(counted.purges).toEqual([{ filter: deadSubject }, {}]);
  // Only the dead letter's records are left: no copy stayed behind.
  expect(await stored(deps.jsm)).toBe(4);
});

it('a record written during a carry stops it: the ref keeps all its records in order, and the next pass carries them', async () => {
  await deadLetter('dead');
  for (const ref of ['done-a', 'done-b']) await record(ref, 0);
  for (const n of [0, 1, 2]) await record('dead', n);
  const js = jetstream(nc);
  let copies = 0;
  // A worker records an attempt just before the carry's second copy.
  const publish: JetStreamClient['publish'] = async (subject, data, options) => {
    if (options?.headers?.has(COPY_HEADER) && ++copies === 2) await record('dead', 'worker');
    return js.publish(subject, data, options);
  };
  const deps = await sweepDeps({ js: Object.create(js, { publish: { value: publish } }) as JetStreamClient });
  expect(await sweepHistory(deps, cutoff())).toBe(2);
  expect(copies).toBe(2);
  expect(await numbers('dead')).toEqual([0, 1, 2, 'worker']);
  // The copy made before the refusal is gone; the front purge stopped before the kept records.
  expect(await stored(deps.jsm)).toBe(4);

  expect(await sweepHistory(await sweepDeps(), cutoff())).toBe(0);
  expect(await numbers('dead')).toEqual([0, 1, 2, 'worker']);
  expect(await stored(deps.jsm)).toBe(4);
});

it('a reader skips the copies a stopped carry left behind, and the next carry drops them', async () => {
  await deadLetter('dead');
  for (const n of [0, 1]) await record('dead', n);
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const subject = names().historySubject('dead');
  // What a carry that stopped after its first copy (the hub killed) leaves: a copy of the first record.
  const last = await jsm.streams.getMessage(names().historyStream, { last_by_subj: subject });
  const original = await jsm.streams.getMessage(names().historyStream, { seq: last!.seq - 1 });
  const h = headers();
  h.set(COPY_HEADER, String(original!.seq));
  await js.publish(subject, original!.data, { headers: h });
  expect(await numbers('dead')).toEqual([0, 1]);

  await sweepHistory(await sweepDeps(), cutoff());
  expect(await numbers('dead')).toEqual([0, 1]);
  expect(await stored(jsm)).toBe(2);
});

it('never runs two retention passes at once: a tick while one runs is skipped', async () => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  try {
    let release: () => void = () => undefined;
    let calls = 0;
    bus.prune = () => {
      calls++;
      return new Promise((resolve) => (release = () => resolve(0)));
    };
    const swept = vi.fn();
    bus.startRetention({ messagesMs: 1_000, recordsMs: 1_000 }, 1_000, { swept, failed: () => undefined });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(1);
    release();
    await vi.waitFor(() => expect(swept).toHaveBeenCalledTimes(1));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toBe(2);
  } finally {
    vi.useRealTimers();
  }
});

it('a read that a carry overtakes still returns every record once, in order', async () => {
  for (const n of [0, 1, 2]) await record('moved', n);
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const { historyStream } = names();
  let carried = false;
  // The carry runs after the reader took the last seq and read the first record: the rest are copies now.
  const getMessage: JetStreamManager['streams']['getMessage'] = async (stream, query) => {
    const message = await jsm.streams.getMessage(stream, query);
    if (!carried && query !== undefined && 'next_by_subj' in query) {
      carried = true;
      expect(await carryForward({ js, jsm }, historyStream, names().historySubject('moved'))).toBe(true);
    }
    return message;
  };
  const streams = Object.create(jsm.streams, { getMessage: { value: getMessage } }) as JetStreamManager['streams'];
  const reader = { js, jsm: Object.create(jsm, { streams: { value: streams } }) as JetStreamManager };
  const records = await readRecords({ ...reader, cork: createCork(), names: names(), timeoutMs: 3_000 }, 'moved');
  expect(carried).toBe(true);
  expect(records.map((r) => r.data.n)).toEqual([0, 1, 2]);
  expect(await numbers('moved')).toEqual([0, 1, 2]);
});

it('purges up to the cutoff across the holes that deleted records leave before it', async () => {
  for (let n = 0; n < 20; n++) await record(`done-${n}`, n);
  const jsm = await jetstreamManager(nc);
  const { historyStream } = names();
  const { first_seq: first, last_seq: last } = (await jsm.streams.info(historyStream)).state;
  // What filtered purges and deleted copies leave: all but the first and the last records are gone.
  for (let seq = first + 1; seq < last; seq++) await jsm.streams.deleteMessage(historyStream, seq, false);
  expect(await stored(jsm)).toBe(2);
  expect(await sweepHistory(await sweepDeps(), cutoff())).toBe(2);
  expect(await stored(jsm)).toBe(0);
});

/** A JetStreamManager that counts the gets of a ref's first record (a `next_by_subj` on one ref's subject). */
function countingRefGets(jsm: JetStreamManager): { jsm: JetStreamManager; gets: string[] } {
  const gets: string[] = [];
  const getMessage: JetStreamManager['streams']['getMessage'] = (stream, query) => {
    const subject = (query as { next_by_subj?: string } | undefined)?.next_by_subj;
    if (subject?.startsWith(`${prefix}.history.`)) gets.push(subject);
    return jsm.streams.getMessage(stream, query);
  };
  const streams = Object.create(jsm.streams, { getMessage: { value: getMessage } }) as JetStreamManager['streams'];
  return { jsm: Object.create(jsm, { streams: { value: streams } }) as JetStreamManager, gets };
}

it('does not look again at a kept ref whose oldest record is newer than the cutoff until the cutoff passes it', async () => {
  const jsm = await jetstreamManager(nc);
  const storedMs = async (ref: string) =>
    (await jsm.streams.getMessage(names().historyStream, { last_by_subj: names().historySubject(ref) }))!.time.getTime();
  // Stored times are whole milliseconds: each write below waits for a later one.
  const after = async (ms: number) => {
    while (Date.now() <= ms) await new Promise((resolve) => setTimeout(resolve, 1));
  };
  await record('done-1', 0);
  await after(await storedMs('done-1'));
  await record('done-2', 0);
  await after(await storedMs('done-2'));
  for (const id of ['dead-a', 'dead-b']) {
    await deadLetter(id);
    await record(id, 0);
  }
  const counted = countingRefGets(jsm);
  const deps = await sweepDeps({ jsm: counted.jsm });
  // Each kept ref is looked at once: its records are all newer than the cutoff.
  expect(await sweepHistory(deps, (await storedMs('done-1')) + 1)).toBe(1);
  expect(counted.gets.sort()).toEqual([names().historySubject('dead-a'), names().historySubject('dead-b')].sort());
  counted.gets.length = 0;
  // The next pass still purges the front, and asks nothing about the kept refs.
  expect(await sweepHistory(deps, (await storedMs('done-2')) + 1)).toBe(1);
  expect(counted.gets).toEqual([]);
  expect(await numbers('dead-a')).toEqual([0]);
  // Once the cutoff passes their records, they are looked at (and carried) again.
  expect(await sweepHistory(deps, cutoff())).toBe(0);
  expect(counted.gets).toHaveLength(2);
  expect(await numbers('dead-b')).toEqual([0]);
});

/** A JetStreamManager whose gets show the records of `subject` as stamped `aheadMs` later (a leader whose clock runs ahead). */
function skewedStamps(jsm: JetStreamManager, subject: string, aheadMs: number): JetStreamManager {
  const getMessage: JetStreamManager['streams']['getMessage'] = async (stream, query) => {
    const message = await jsm.streams.getMessage(stream, query);
    if (message === null || message.subject !== subject) return message;
    return Object.create(message, { time: { value: new Date(message.time.getTime() + aheadMs) } }) as typeof message;
  };
  const streams = Object.create(jsm.streams, { getMessage: { value: getMessage } }) as JetStreamManager['streams'];
  return Object.create(jsm, { streams: { value: streams } }) as JetStreamManager;
}

it('keeps a dead letter’s records stamped by a leader whose clock ran ahead: the cutoff’s place, not a stored time, decides', async () => {
  const jsm = await jetstreamManager(nc);
  const storedMs = async (ref: string) =>
    (await jsm.streams.getMessage(names().historyStream, { last_by_subj: names().historySubject(ref) }))!.time.getTime();
  await record('done-1', 0);
  while (Date.now() <= (await storedMs('done-1'))) await new Promise((resolve) => setTimeout(resolve, 1));
  await deadLetter('dead');
  await record('dead', 0);
  await record('done-2', 0);
  const deps = await sweepDeps({ jsm: skewedStamps(jsm, names().historySubject('dead'), 40_000) });
  // The dead letter's record looks 40 s newer than it is: not old yet, so it is remembered, not carried.
  expect(await sweepHistory(deps, (await storedMs('done-1')) + 1)).toBe(1);
  // Every record is old now, and the search for the cutoff's place passes the dead letter's record
  // without reading its stamp: the front purge must not take it.
  expect(await sweepHistory(deps, cutoff())).toBe(1);
  expect(await numbers('dead')).toEqual([0]);
  expect(await bus.records('done-2')).toEqual([]);
});
