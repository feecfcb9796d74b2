/**
 * Group and throttle keys come from event values (`group.by`, default the subject); a free-text value
 * (a commit message, a whole object) can be kilobytes, more than a NATS KV key can carry.
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

function push(n: number, message: string, at: Date) {
  return notifyPush(n, at, { title: message, data: { message } });
}

describe('noise keys made from long event values (NATS)', () => {
  it('group and throttle an event whose key is kilobytes long', async () => {
    let clock = new Date('2026-11-30T10:00:00Z');
    const now = () => clock;
    const bus = await createNatsBus({ url: server().url, prefix: 'noiselong' });
    try {
      const gate = createNoiseGate({ bus, now });
      const spec = NoiseSpecSchema.parse({ group: { wait: '1m', by: ['data.message'] }, throttle: { max: 5, per: '1h' } });
      const message = `fix: ${'a long commit message body '.repeat(300)}`;
      for (const n of [1, 2])
        expect(await gate.admit(spec, { scope: 'r', ...push(n, message, clock) })).toMatchObject({ reason: 'grouped' });
      clock = new Date(clock.getTime() + 60_000);
      expect(await createGroupFlusher({ bus, now, logger: silentLogger }).flushDue()).toBe(1);
      const [digest] = await bus.query<Job>({ stream: 'jobs', limit: 10 });
      expect(digest?.payload.params.title).toMatch(/^2 events: fix: a long commit message body/);
    } finally {
      await bus.close();
    }
  });
});
