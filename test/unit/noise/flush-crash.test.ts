import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../src/actions/action.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { createGroupFlusher } from '../../../src/noise/group-flusher.ts';
import { createNoiseGate } from '../../../src/noise/noise-gate.ts';
import { NoiseSpecSchema } from '../../../src/noise/noise-spec.ts';
import { openTempEmbeddedBus, silentLogger } from '../../helpers/hub-fixtures.ts';
import { notifyPush } from '../../helpers/noise-push.ts';

let clock = new Date('2026-11-30T10:00:00Z');
const now = () => clock;
const advance = (ms: number) => void (clock = new Date(clock.getTime() + ms));

function push(n: number) {
  return notifyPush(n, clock);
}

/** The events each published job stands for: a digest's lines, or a lone job's text. */
async function sentTexts(bus: EventBus): Promise<string[][]> {
  const jobs = (await bus.query<Job>({ stream: 'jobs', limit: 100 })).map((m) => m.payload);
  return jobs.map((j) => (j.params.title ? String(j.params.text).split('\n') : [String(j.params.text)]));
}

describe('a hub that stops between publishing a digest and marking its group sent', () => {
  let bus: EventBus;
  beforeEach(async () => {
    clock = new Date('2026-11-30T10:00:00Z');
    bus = await openTempEmbeddedBus();
  });
  afterEach(() => bus.close());

  it('still sends an event grouped before the next hub flushes again', async () => {
    const gate = createNoiseGate({ bus, now });
    const spec = NoiseSpecSchema.parse({ group: { wait: '1m', interval: '5m' } });
    for (const n of [1, 2]) await gate.admit(spec, { scope: 'r', ...push(n) });
    advance(60_000);
    const stopping = createGroupFlusher({
      bus: {
        kv: (bucket) => bus.kv(bucket),
        publish: async (stream, message) => {
          await bus.publish(stream, message);
          throw new Error('the hub stopped here');
        },
      },
      now,
      logger: silentLogger,
    });
    await expect(stopping.flushDue()).rejects.toThrow(/could not flush/);
    await gate.admit(spec, { scope: 'r', ...push(3) });
    const next = createGroupFlusher({ bus, now, logger: silentLogger });
    for (let pass = 0; pass < 3; pass++, advance(5 * 60_000)) await next.flushDue();
    expect(await sentTexts(bus)).toEqual([['• push 1', '• push 2'], ['push 3']]);
  });

  it('does not send again an event that comes back after its group was sent', async () => {
    const gate = createNoiseGate({ bus, now });
    const flusher = createGroupFlusher({ bus, now, logger: silentLogger });
    const spec = NoiseSpecSchema.parse({ group: { wait: '30s', interval: '5m' } });
    await gate.admit(spec, { scope: 'r', ...push(1) });
    advance(30_000);
    await flusher.flushDue();
    // The router was stopped before it acked push 1: the event is routed again, its job held again.
    advance(30_000);
    await gate.admit(spec, { scope: 'r', ...push(1) });
    await gate.admit(spec, { scope: 'r', ...push(2) });
    for (let pass = 0; pass < 3; pass++, advance(5 * 60_000)) await flusher.flushDue();
    expect(await sentTexts(bus)).toEqual([['push 1'], ['push 2']]);
  });

  it('sends the next digest of a group that was forgotten while idle', async () => {
    const gate = createNoiseGate({ bus, now });
    const flusher = createGroupFlusher({ bus, now, logger: silentLogger });
    const spec = NoiseSpecSchema.parse({ group: { wait: '30s', interval: '5m' } });
    for (const n of [1, 2]) {
      await gate.admit(spec, { scope: 'r', ...push(n) });
      advance(30_000);
      await flusher.flushDue();
      advance(60 * 60_000); // an hour later the idle group is forgotten
      await flusher.flushDue();
      expect(await bus.kv('noise-groups').entries()).toEqual([]);
    }
    expect(await sentTexts(bus)).toEqual([['push 1'], ['push 2']]);
  });
});
