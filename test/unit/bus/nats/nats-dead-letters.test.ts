import { describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { jetstream, type JetStreamManager } from '@nats-io/jetstream';
import { Bucket, Kvm } from '@nats-io/kv';
import { createNatsBus } from '../../../../src/bus/nats/nats-bus.ts';
import type { DeadLetter } from '../../../../src/bus/event-bus.ts';
import { dropDeleteMarkers } from '../../../../src/bus/nats/nats-legacy-index.ts';
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

  it('reads the letters of a page and one more, however deep in the queue its cursor is', async () => {
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'dlqwindow' });
    const spy = await connect({ servers: natsServer().url });
    try {
      for (let i = 0; i < 600; i++) await bus.deadLetter({ ...letter(i), payload: { i, body: 'x'.repeat(4_000) } });
      // The letters the server sends to any client: consumer deliveries to an inbox, each over 4,000 bytes.
      // A callback, not an iterator: it runs as each message is parsed, so a flush's reply finds them all counted.
      let lettersRead = 0;
      spy.subscribe('_INBOX.>', {
        callback: (_err, m) => {
          if (m.data.length > 4_000) lettersRead += 1;
        },
      });
      await spy.flush();
      // Sequence 301 holds job-300: the page below it is the five letters before.
      const deep = await bus.deadLetterPage({ limit: 5, cursor: '301' });
      await spy.flush();
      expect(deep.letters.map((l) => l.id)).toEqual(['job-299', 'job-298', 'job-297', 'job-296', 'job-295']);
      expect(deep.next).toBe('296');
      expect(lettersRead).toBe(6);
      const newest = await bus.deadLetterPage({ limit: 1 });
      await spy.flush();
      expect(newest.letters.map((l) => l.id)).toEqual(['job-599']);
      expect(lettersRead).toBe(6 + 2);
    } finally {
      await spy.close();
      await bus.close();
    }
  });

  it('two takes of a letter in the middle of the queue: one gets it, the other finds it gone (no raw server error)', async () => {
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'dlqtakes' });
    try {
      for (const i of [1, 2, 3]) await bus.deadLetter(letter(i));
      const taken = await Promise.all([bus.takeDeadLetter('job-2'), bus.takeDeadLetter('job-2')]);
      expect(taken.map((l) => l?.id ?? 'gone').sort()).toEqual(['gone', 'job-2']);
      expect(await bus.countDeadLetters()).toBe(2);
    } finally {
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

  it('clears an old marker without the letter another process writes to its key meanwhile', async () => {
    const nc = await connect({ servers: natsServer().url });
    const first = await createNatsBus({ url: natsServer().url, prefix: 'dlqrace' });
    await first.close();
    const js = jetstream(nc);
    const kv = await new Kvm(js).open('dlqrace_dlq');
    await kv.put(hashKey('again'), JSON.stringify(letter(1)));
    await kv.delete(hashKey('again'));
    const jsm = await js.jetstreamManager();
    await jsm.streams.update('KV_dlqrace_dlq', { description: '' });
    // The job is dead-lettered again, by another hub, between the sweep's read of the marker and its purge.
    let raced = false;
    const purge: JetStreamManager['streams']['purge'] = async (stream, options) => {
      if (!raced) {
        raced = true;
        await kv.put(hashKey('again'), JSON.stringify(letter(2)));
      }
      return jsm.streams.purge(stream, options);
    };
    const streams = Object.create(jsm.streams, { purge: { value: purge } }) as JetStreamManager['streams'];
    const racing = Object.create(jsm, { streams: { value: streams } }) as JetStreamManager;
    const bucket = await new Kvm(js).open('dlqrace_dlq');
    if (bucket instanceof Bucket) bucket.jsm = racing;
    try {
      await dropDeleteMarkers(racing, bucket, 'KV_dlqrace_dlq');
      expect(raced).toBe(true);
      expect((await kv.get(hashKey('again')))?.json<DeadLetter>().id).toBe('job-2');
      expect((await jsm.streams.info('KV_dlqrace_dlq')).state.messages).toBe(1);
    } finally {
      await nc.close();
    }
  });
});
