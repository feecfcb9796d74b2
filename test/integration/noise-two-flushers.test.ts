/**
 * Two hub processes on one NATS group events and flush the same groups at the same time, while events keep
 * arriving: every event goes out in exactly one published job.
 */
import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/actions/action.ts';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { createGroupFlusher } from '../../src/noise/group-flusher.ts';
import { createNoiseGate } from '../../src/noise/noise-gate.ts';
import { NoiseSpecSchema } from '../../src/noise/noise-spec.ts';
import { silentLogger } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { notifyPush } from '../helpers/noise-push.ts';

const server = useNatsServer();

function push(n: number, at: Date) {
  return notifyPush(n, at, { text: `• push ${n}` });
}

describe('noise groups shared by two processes (NATS)', () => {
  it('sends every event once while both flush and events keep arriving', async () => {
    let clock = new Date('2026-11-30T10:00:00Z');
    const now = () => clock;
    const buses = [
      await createNatsBus({ url: server().url, prefix: 'noisetwo' }),
      await createNatsBus({ url: server().url, prefix: 'noisetwo' }),
    ];
    try {
      const gates = buses.map((bus) => createNoiseGate({ bus, now }));
      const flushers = buses.map((bus) => createGroupFlusher({ bus, now, logger: silentLogger }));
      const spec = NoiseSpecSchema.parse({ group: { wait: '10s', interval: '10s' } });
      let n = 0;
      for (let round = 0; round < 12; round++) {
        const arrivals = Array.from({ length: 4 }, () => n++).map((i) => gates[i % 2]!.admit(spec, { scope: 'r', ...push(i, clock) }));
        await Promise.all([...arrivals, ...flushers.map((f) => f.flushDue())]);
        clock = new Date(clock.getTime() + 10_000);
      }
      for (let pass = 0; pass < 3; pass++, clock = new Date(clock.getTime() + 10 * 60_000))
        await Promise.all(flushers.map((f) => f.flushDue()));
      const jobs = (await buses[0]!.query<Job>({ stream: 'jobs', limit: 1000 })).map((m) => m.payload);
      const sent = jobs.flatMap((j) => String(j.params.text).split('\n')).map((line) => Number(line.replace('• push ', '')));
      expect(sent.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(await buses[0]!.kv('noise-groups').entries()).toEqual([]);
    } finally {
      for (const bus of buses) await bus.close();
    }
  });
});
