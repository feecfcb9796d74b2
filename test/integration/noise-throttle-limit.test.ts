/**
 * A throttle window keeps the id of every event it let through in one kv value (so a redelivered event
 * is not counted twice); NATS refuses values over 1 MB, so throttle.max is bounded (THROTTLE_MAX_LIMIT).
 */
import { describe, expect, it } from 'vitest';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { NOISE_BUCKETS, createNoiseGate } from '../../src/noise/noise-gate.ts';
import { THROTTLE_MAX_LIMIT, NoiseSpecSchema } from '../../src/noise/noise-spec.ts';
import type { ThrottleWindow } from '../../src/noise/throttle.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { notifyPush } from '../helpers/noise-push.ts';

const server = useNatsServer();
const scopedId = (n: number) => `github-enterprise-acme-production:${'d'.repeat(160)}-${n}`;

function push(n: number, at: Date) {
  return notifyPush(n, at, { id: scopedId(n) });
}

describe('a throttle window at the largest max (NATS)', () => {
  it('still admits, refuses and recognises a redelivered event when it holds that many long ids', async () => {
    const clock = new Date('2026-11-30T10:00:00Z');
    const bus = await createNatsBus({ url: server().url, prefix: 'noisethrottle' });
    try {
      const gate = createNoiseGate({ bus, now: () => clock });
      const spec = NoiseSpecSchema.parse({ throttle: { max: THROTTLE_MAX_LIMIT, per: '1d' } });
      expect(await gate.admit(spec, { scope: 'r', ...push(0, clock) })).toEqual({ send: true });
      const kv = bus.kv(NOISE_BUCKETS.throttle);
      const [entry] = await kv.entries<ThrottleWindow>();
      const sent = Array.from({ length: THROTTLE_MAX_LIMIT - 1 }, (_, n) => scopedId(n));
      await kv.put(entry!.key, { ...entry!.value, sent });
      expect(await gate.admit(spec, { scope: 'r', ...push(THROTTLE_MAX_LIMIT, clock) })).toEqual({ send: true });
      expect(await gate.admit(spec, { scope: 'r', ...push(THROTTLE_MAX_LIMIT + 1, clock) })).toMatchObject({ reason: 'throttled' });
      expect(await gate.admit(spec, { scope: 'r', ...push(THROTTLE_MAX_LIMIT, clock) })).toEqual({ send: true });
      expect((await kv.get<ThrottleWindow>(entry!.key))?.value.sent).toHaveLength(THROTTLE_MAX_LIMIT);
    } finally {
      await bus.close();
    }
  });
});
