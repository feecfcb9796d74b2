import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../src/actions/action.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { createGroupFlusher } from '../../../src/noise/group-flusher.ts';
import { createNoiseGate } from '../../../src/noise/noise-gate.ts';
import { NoiseSpecSchema } from '../../../src/noise/noise-spec.ts';
import { openTempEmbeddedBus, silentLogger } from '../../helpers/hub-fixtures.ts';
import { notifyPush } from '../../helpers/noise-push.ts';

let clock = new Date();
const now = () => clock;

function push(n: number) {
  return notifyPush(n, clock);
}

describe('a group whose digest comes due after the active hours end', () => {
  let bus: EventBus;
  beforeEach(async () => {
    clock = new Date('2026-11-30T16:58:00Z'); // Monday 17:58 in Berlin
    bus = await openTempEmbeddedBus();
  });
  afterEach(() => bus.close());

  it('is held until the hours start again, like the events that arrive outside them', async () => {
    const gate = createNoiseGate({ bus, now });
    const flusher = createGroupFlusher({ bus, now, logger: silentLogger });
    const spec = NoiseSpecSchema.parse({
      group: { wait: '5m' },
      activeHours: { from: '09:00', to: '18:00', timezone: 'Europe/Berlin' },
    });
    expect(await gate.admit(spec, { scope: 'r', ...push(1) })).toMatchObject({ reason: 'grouped', flushAt: '2026-12-01T08:00:00.000Z' });
    clock = new Date('2026-11-30T17:03:00Z');
    expect(await flusher.flushDue()).toBe(0);
    clock = new Date('2026-12-01T08:00:00Z');
    expect(await flusher.flushDue()).toBe(1);
  });

  it('inside the hours, is sent after group_wait as before', async () => {
    clock = new Date('2026-11-30T10:00:30Z');
    const gate = createNoiseGate({ bus, now });
    const spec = NoiseSpecSchema.parse({
      group: { wait: '5m' },
      activeHours: { from: '09:00', to: '18:00', timezone: 'Europe/Berlin' },
    });
    expect(await gate.admit(spec, { scope: 'r', ...push(1) })).toMatchObject({ reason: 'grouped', flushAt: '2026-11-30T10:05:30.000Z' });
  });

  it('with outside: drop, is held until the hours start again too, and only events from outside them are dropped', async () => {
    const gate = createNoiseGate({ bus, now });
    const flusher = createGroupFlusher({ bus, now, logger: silentLogger });
    const spec = NoiseSpecSchema.parse({
      group: { wait: '5m' },
      activeHours: { from: '09:00', to: '18:00', timezone: 'Europe/Berlin', outside: 'drop' },
    });
    expect(await gate.admit(spec, { scope: 'r', ...push(1) })).toMatchObject({ reason: 'grouped', flushAt: '2026-12-01T08:00:00.000Z' });
    clock = new Date('2026-11-30T17:01:00Z');
    expect(await gate.admit(spec, { scope: 'r', ...push(2) })).toEqual({ send: false, reason: 'inactive' });
    clock = new Date('2026-11-30T17:03:00Z');
    expect(await flusher.flushDue()).toBe(0);
    clock = new Date('2026-12-01T08:00:00Z');
    expect(await flusher.flushDue()).toBe(1);
    const [digest] = await bus.query<Job>({ stream: 'jobs', limit: 10 });
    expect(digest?.payload.params.text).toBe('push 1');
  });
});
