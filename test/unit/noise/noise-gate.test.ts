import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../src/actions/action.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { isNoiseJob, type Digest } from '../../../src/noise/digest.ts';
import { createGroupFlusher } from '../../../src/noise/group-flusher.ts';
import { SENT_MEMORY_MS } from '../../../src/noise/groups.ts';
import { createNoiseGate } from '../../../src/noise/noise-gate.ts';
import { NoiseSpecSchema } from '../../../src/noise/noise-spec.ts';
import { createEmbeddedBus } from '../../../src/bus/embedded/embedded-bus.ts';
import { openTempEmbeddedBus, silentLogger, tempDir } from '../../helpers/hub-fixtures.ts';
import { join } from 'node:path';
import { notifyPush } from '../../helpers/noise-push.ts';

let clock = new Date('2026-11-30T10:00:00Z');
const now = () => clock;
const advance = (ms: number) => void (clock = new Date(clock.getTime() + ms));

function push(n: number) {
  return notifyPush(n, clock, { actor: 'ana' });
}

async function publishedJobs(bus: EventBus): Promise<Job[]> {
  return (await bus.query<Job>({ stream: 'jobs', limit: 1000 })).map((m) => m.payload);
}

describe('noise gate (embedded bus, fixed clock)', () => {
  let bus: EventBus;
  beforeEach(async () => {
    clock = new Date('2026-11-30T10:00:00Z');
    bus = await openTempEmbeddedBus();
  });
  afterEach(() => bus.close());

  it('groups a burst of 30 events into one digest job after group_wait', async () => {
    const gate = createNoiseGate({ bus, now });
    const flusher = createGroupFlusher({ bus, now, logger: silentLogger });
    const spec = NoiseSpecSchema.parse({ group: { wait: '1m', interval: '5m' } });
    for (let i = 0; i < 30; i++) {
      const verdict = await gate.admit(spec, { scope: 'r', ...push(i) });
      expect(verdict).toMatchObject({ send: false, reason: 'grouped', flushAt: '2026-11-30T10:01:00.000Z' });
      advance(1_000);
    }
    expect(await flusher.flushDue()).toBe(0); // 30 s in: still waiting
    advance(30_000);
    expect(await flusher.flushDue()).toBe(1);
    expect(await flusher.flushDue()).toBe(0);
    const jobs = await publishedJobs(bus);
    expect(jobs).toHaveLength(1);
    const digest = jobs[0]!;
    expect(isNoiseJob(digest)).toBe(true);
    expect(digest.params).toMatchObject({ channel: 'eng', title: '30 events: acme/api@main' });
    expect(String(digest.params.text).split('\n')).toHaveLength(30);
    // Passes the gate untouched (it is the digest).
    expect(await gate.admit(spec, { scope: 'r', job: digest, event: undefined })).toEqual({ send: true });
  });

  it('group state survives a restart: a new process sends the digest', async () => {
    const path = join(tempDir(), 'hookhub.db');
    const first = await createEmbeddedBus({ path, now });
    const spec = NoiseSpecSchema.parse({ group: { wait: '1m' } });
    for (const n of [1, 2, 3]) await createNoiseGate({ bus: first, now }).admit(spec, { scope: 'r', ...push(n) });
    await first.close();
    advance(60_000);
    const second = await createEmbeddedBus({ path, now });
    try {
      expect(await createGroupFlusher({ bus: second, now, logger: silentLogger }).flushDue()).toBe(1);
      const [digest] = await publishedJobs(second);
      expect(digest?.params.title).toBe('3 events: acme/api@main');
    } finally {
      await second.close();
    }
  });

  it('after a flush, new events wait for group_interval; a lone event is sent as itself', async () => {
    const gate = createNoiseGate({ bus, now });
    const flusher = createGroupFlusher({ bus, now, logger: silentLogger });
    const spec = NoiseSpecSchema.parse({ group: { wait: '30s', interval: '5m' } });
    await gate.admit(spec, { scope: 'r', ...push(1) });
    await gate.admit(spec, { scope: 'r', ...push(1) }); // redelivery: counted once
    advance(30_000);
    expect(await flusher.flushDue()).toBe(1);
    advance(10_000);
    const later = await gate.admit(spec, { scope: 'r', ...push(2) });
    expect(later).toMatchObject({ reason: 'grouped', flushAt: '2026-11-30T10:05:30.000Z' });
    advance(5 * 60_000);
    expect(await flusher.flushDue()).toBe(1);
    const jobs = await publishedJobs(bus);
    expect(jobs.map((j) => j.params.text)).toEqual(['push 1', 'push 2']);
    expect(jobs.map((j) => j.eventId)).toEqual(['push-1', 'push-2']);
  });

  it('announces the events that reach a full group while its digest is being sent', async () => {
    const gate = createNoiseGate({ bus, now });
    const spec = NoiseSpecSchema.parse({ group: { wait: '1m', interval: '5m' } });
    for (let i = 0; i < 60; i++) await gate.admit(spec, { scope: 'r', ...push(i) });
    advance(60_000);
    let during = 60;
    const flusher = createGroupFlusher({
      bus: {
        kv: (bucket) => bus.kv(bucket),
        // Five more events are grouped between the digest's publish and the group's mark as sent.
        publish: async (stream, message) => {
          const result = await bus.publish(stream, message);
          while (during < 65) await gate.admit(spec, { scope: 'r', ...push(during++) });
          return result;
        },
      },
      now,
      logger: silentLogger,
    });
    expect(await flusher.flushDue()).toBe(1);
    advance(5 * 60_000);
    expect(await flusher.flushDue()).toBe(1);
    const titles = (await publishedJobs(bus)).map((j) => j.params.title);
    expect(titles).toEqual(['60 events: acme/api@main', '5 events: acme/api@main']);
    advance(SENT_MEMORY_MS);
    await flusher.flushDue();
    expect(await bus.kv('noise-groups').entries()).toEqual([]);
  });

  it('announces the event that took the last item of a full group; a redelivery of a sent one is not sent again', async () => {
    const gate = createNoiseGate({ bus, now });
    const spec = NoiseSpecSchema.parse({ group: { wait: '1m', interval: '5m' } });
    for (let i = 0; i < 50; i++) await gate.admit(spec, { scope: 'r', ...push(i) });
    advance(60_000);
    let during = true;
    const flusher = createGroupFlusher({
      bus: {
        kv: (bucket) => bus.kv(bucket),
        publish: async (stream, message) => {
          const result = await bus.publish(stream, message);
          if (during) {
            during = false;
            // push-50 takes the full group's last item, then push-49 (sent in this digest) comes back and takes it.
            await gate.admit(spec, { scope: 'r', ...push(50) });
            await gate.admit(spec, { scope: 'r', ...push(49) });
          }
          return result;
        },
      },
      now,
      logger: silentLogger,
    });
    expect(await flusher.flushDue()).toBe(1);
    advance(5 * 60_000);
    expect(await flusher.flushDue()).toBe(1);
    const sent = (await publishedJobs(bus)).map((j) => j.params.title ?? j.params.text);
    expect(sent).toEqual(['50 events: acme/api@main', 'push 50']);
  });

  it('digest params for other actions carry the items', async () => {
    const gate = createNoiseGate({ bus, now });
    const spec = NoiseSpecSchema.parse({ group: { wait: '10s' } });
    for (const n of [1, 2]) {
      const { event, job } = push(n);
      await gate.admit(spec, { scope: 's', event, job: { ...job, action: 'chat', params: { to: 'C1' } } });
    }
    advance(10_000);
    await createGroupFlusher({ bus, now, logger: silentLogger }).flushDue();
    const [job] = await publishedJobs(bus);
    const digest = job?.params.digest as Digest;
    expect(job?.params.to).toBe('C1');
    expect(digest.count).toBe(2);
    expect(digest.items.map((i) => i.title)).toEqual(['push 1', 'push 2']);
  });

  it('honours a mute until it expires', async () => {
    const gate = createNoiseGate({ bus, now });
    await gate.mutes.mute('sub-1', new Date(clock.getTime() + 2 * 3_600_000), 'ana');
    expect(await gate.admit(undefined, { scope: 'sub-1', ...push(1) })).toEqual({
      send: false,
      reason: 'muted',
      until: '2026-11-30T12:00:00.000Z',
    });
    expect(await gate.admit(undefined, { scope: 'other', ...push(2), muteScopes: ['sub-1'] })).toMatchObject({ reason: 'muted' });
    expect(await gate.admit(undefined, { scope: 'other', ...push(3) })).toEqual({ send: true });
    advance(2 * 3_600_000);
    expect(await gate.admit(undefined, { scope: 'sub-1', ...push(4) })).toEqual({ send: true });
    expect(await gate.mutes.list()).toEqual([]);
  });

  it('sweeps ended throttle windows and mutes, keeps running ones', async () => {
    const gate = createNoiseGate({ bus, now });
    await gate.admit(NoiseSpecSchema.parse({ throttle: { max: 1, per: '1h' } }), { scope: 'r', ...push(1) });
    await gate.mutes.mute('short', new Date(clock.getTime() + 60_000));
    await gate.mutes.mute('long', new Date(clock.getTime() + 86_400_000));
    advance(2 * 3_600_000);
    await createGroupFlusher({ bus, now, logger: silentLogger }).sweep();
    expect(await bus.kv('noise-throttle').entries()).toEqual([]);
    expect((await bus.kv('noise-mutes').entries()).map((e) => e.key)).toEqual(['long']);
  });

  it('honours fixed mute windows', async () => {
    const gate = createNoiseGate({ bus, now });
    const spec = NoiseSpecSchema.parse({ mute: [{ from: '2026-11-30T09:00:00Z', until: '2026-11-30T11:00:00Z' }] });
    expect(await gate.admit(spec, { scope: 'r', ...push(1) })).toMatchObject({ reason: 'muted' });
    advance(3_600_000);
    expect(await gate.admit(spec, { scope: 'r', ...push(2) })).toEqual({ send: true });
  });

  it('throttles to max per window, per key, idempotently', async () => {
    const gate = createNoiseGate({ bus, now });
    const spec = NoiseSpecSchema.parse({ throttle: { max: 2, per: '1h' } });
    const verdicts = [];
    for (const n of [1, 2, 1, 3]) verdicts.push((await gate.admit(spec, { scope: 'r', ...push(n) })).send);
    expect(verdicts).toEqual([true, true, true, false]);
    advance(3_600_000);
    expect((await gate.admit(spec, { scope: 'r', ...push(4) })).send).toBe(true);
  });

  it('holds events outside active hours and sends them when the hours start', async () => {
    clock = new Date('2026-11-28T12:00:00Z'); // Saturday
    const gate = createNoiseGate({ bus, now });
    const spec = NoiseSpecSchema.parse({
      activeHours: { from: '09:00', to: '18:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], timezone: 'Europe/Berlin' },
    });
    expect(await gate.admit(spec, { scope: 'r', ...push(1) })).toEqual({
      send: false,
      reason: 'held',
      flushAt: '2026-11-30T08:00:00.000Z',
    });
    const drop = NoiseSpecSchema.parse({ activeHours: { from: '09:00', to: '18:00', outside: 'drop' } });
    clock = new Date('2026-11-28T20:00:00Z');
    expect(await gate.admit(drop, { scope: 'q', ...push(2) })).toEqual({ send: false, reason: 'inactive' });
  });
});
