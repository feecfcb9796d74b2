import { describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createNatsBus } from '../../../../src/bus/nats/nats-bus.ts';
import type { DeadLetter } from '../../../../src/bus/event-bus.ts';
import { useNatsServer } from '../../../helpers/nats-server.ts';

const BODY = 4_000;

/** A letter of a bit more than BODY bytes, dead-lettered i seconds into 2026. */
function letter(i: number): DeadLetter {
  return {
    id: `job-${i}`,
    subject: 'webhook',
    payload: { i, body: 'x'.repeat(BODY) },
    reason: 'HTTP 503',
    attempts: [],
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  };
}

/** Counts the letters the server sends to any client: consumer deliveries to an inbox, each over BODY bytes. */
async function countLettersSent(spy: NatsConnection): Promise<() => Promise<number>> {
  let sent = 0;
  // A callback, not an iterator: it runs as each message is parsed, so a flush's reply finds them all counted.
  spy.subscribe('_INBOX.>', {
    callback: (_err, m) => {
      if (m.data.length > BODY) sent += 1;
    },
  });
  await spy.flush();
  return async () => {
    await spy.flush();
    const count = sent;
    sent = 0;
    return count;
  };
}

describe('NATS dead letters: the list and the purge read what they return', () => {
  const natsServer = useNatsServer();

  it('a list of N reads N letters (and those older than its `since`), 100 by default', async () => {
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'dlqlist' });
    const spy = await connect({ servers: natsServer().url });
    try {
      for (let i = 0; i < 600; i++) await bus.deadLetter(letter(i));
      const lettersSent = await countLettersSent(spy);
      const first = await bus.deadLetters({ limit: 5 });
      expect(first.map((l) => l.id)).toEqual(['job-0', 'job-1', 'job-2', 'job-3', 'job-4']);
      expect(await lettersSent()).toBe(5);
      const since = await bus.deadLetters({ since: new Date(letter(100).time), limit: 5 });
      expect(since.map((l) => l.id)).toEqual(['job-100', 'job-101', 'job-102', 'job-103', 'job-104']);
      expect(await lettersSent()).toBe(100 + 5);
      const byDefault = await bus.deadLetters();
      expect(byDefault.map((l) => l.id)).toEqual(Array.from({ length: 100 }, (_, i) => `job-${i}`));
      expect(await lettersSent()).toBe(100);
    } finally {
      await spy.close();
      await bus.close();
    }
  });

  it('a purge of N letters reads at most 2N + 1, and one when there is nothing to purge', async () => {
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'dlqpurge' });
    const spy = await connect({ servers: natsServer().url });
    try {
      for (let i = 0; i < 600; i++) await bus.deadLetter(letter(i));
      const lettersSent = await countLettersSent(spy);
      const before = new Date(letter(10).time);
      expect(await bus.purgeDeadLetters(before)).toBe(10);
      expect(await lettersSent()).toBeLessThanOrEqual(2 * 10 + 1);
      expect(await bus.purgeDeadLetters(before)).toBe(0);
      expect(await lettersSent()).toBe(1);
      expect(await bus.countDeadLetters()).toBe(590);
      expect((await bus.deadLetters({ limit: 1 }))[0]?.id).toBe('job-10');
    } finally {
      await spy.close();
      await bus.close();
    }
  });
});
