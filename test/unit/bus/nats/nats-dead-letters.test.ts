import { describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { createNatsBus } from '../../../../src/bus/nats/nats-bus.ts';
import type { DeadLetter } from '../../../../src/bus/event-bus.ts';
import { hashKey } from '../../../../src/bus/nats/nats-names.ts';
import { useNatsServer } from '../../../helpers/nats-server.ts';

function letter(i: number): DeadLetter {
  return {
    id: `job-${i}`,
    subject: 'webhook',
    payload: { i },
    reason: 'HTTP 503',
    attempts: [],
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  };
}

describe('NATS dead letters', () => {
  const natsServer = useNatsServer();

  it('serves a page, a count and a purge without reading the whole queue', async () => {
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'dlqpages' });
    const spy = await connect({ servers: natsServer().url });
    try {
      for (let i = 0; i < 600; i++) await bus.deadLetter(letter(i));
      // Every message the server sends to any client: letters read by a page arrive as consumer deliveries.
      let delivered = 0;
      const sub = spy.subscribe('_INBOX.>');
      void (async () => {
        for await (const _ of sub) delivered += 1;
      })();
      await spy.flush();
      const page = await bus.deadLetterPage({ limit: 5 });
      const next = await bus.deadLetterPage({ limit: 5, ...(page.next ? { cursor: page.next } : {}) });
      expect(await bus.countDeadLetters()).toBe(600);
      await spy.flush();
      expect(page.letters.map((l) => l.id)).toEqual(['job-599', 'job-598', 'job-597', 'job-596', 'job-595']);
      expect(next.letters.map((l) => l.id)).toEqual(['job-594', 'job-593', 'job-592', 'job-591', 'job-590']);
      // Two windows of ~100 letters, not 600.
      expect(delivered).toBeLessThan(300);
      expect(await bus.purgeDeadLetters(new Date(Date.UTC(2026, 0, 1, 0, 0, 10)))).toBe(10);
      expect(await bus.countDeadLetters()).toBe(590);
      expect((await bus.deadLetters({ limit: 1 }))[0]?.id).toBe('job-10');
    } finally {
      await spy.close();
      await bus.close();
    }
  });

  it('counts letters, not the delete markers an older release left', async () => {
    const nc = await connect({ servers: natsServer().url });
    const first = await createNatsBus({ url: natsServer().url, prefix: 'dlqmarkers' });
    await first.close();
    // As an older release did: the bucket without the marker, a letter taken with a KV delete.
    const kv = await new Kvm(jetstream(nc)).open('dlqmarkers_dlq');
    await kv.put(hashKey('old'), JSON.stringify(letter(1)));
    await kv.put(hashKey('kept'), JSON.stringify(letter(2)));
    await kv.delete(hashKey('old'));
    const jsm = await jetstream(nc).jetstreamManager();
    await jsm.streams.update('KV_dlqmarkers_dlq', { description: '' });
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'dlqmarkers' });
    try {
      expect(await bus.countDeadLetters()).toBe(1);
      expect((await bus.deadLetterPage({ limit: 10 })).letters.map((l) => l.id)).toEqual(['job-2']);
    } finally {
      await bus.close();
      await nc.close();
    }
  });
});
