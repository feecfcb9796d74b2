import { describe, expect, it } from 'vitest';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { PayloadError } from '../../../../src/errors.ts';
import { createNatsBus } from '../../../../src/bus/nats/nats-bus.ts';
import { encodeEnvelope } from '../../../../src/bus/nats/nats-envelope.ts';
import { createNatsNames } from '../../../../src/bus/nats/nats-names.ts';
import { delay } from '../../../contract/bus-contract-helpers.ts';
import { useNatsServer } from '../../../helpers/nats-server.ts';

describe('NatsBus publish and dedup', () => {
  const natsServer = useNatsServer();

  it('remembers ids for the dedup horizon, beyond retention and the JetStream duplicate window', async () => {
    // retention 1 s → duplicate_window 1 s, and the sweep runs every 100 ms: finished messages stay for the 24 h horizon.
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'horizon', retentionMs: 1_000, pruneEveryMs: 100 });
    try {
      expect(await bus.publish('events', { id: 'x', subject: 'github.push', payload: {} })).toEqual({ duplicate: false });
      const sub = bus.consume('events', 'router');
      for await (const delivery of sub) {
        await delivery.ack();
        break;
      }
      await sub.stop();
      await delay(1_500);
      expect(await bus.publish('events', { id: 'x', subject: 'github.push', payload: {} })).toEqual({ duplicate: true });
    } finally {
      await bus.close();
    }
  });

  it('finds and dedups a message whose PubAck was lost', async () => {
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'heal' });
    const nc = await connect({ servers: natsServer().url });
    try {
      // As if the PubAck was lost: the message is on its id's subject, the publisher never heard back.
      const lost = { id: 'lost', subject: 'github.push', payload: { v: 1 } };
      await jetstream(nc).publish(createNatsNames('heal').subject('events', 'lost', 'github.push'), encodeEnvelope(lost));
      expect((await bus.get('events', 'lost'))?.payload).toEqual({ v: 1 });
      expect(await bus.publish('events', { ...lost, payload: { v: 2 } })).toEqual({ duplicate: true });
      expect((await bus.get('events', 'lost'))?.payload).toEqual({ v: 1 });
      expect(await bus.query({ stream: 'events' })).toHaveLength(1);
    } finally {
      await nc.close();
      await bus.close();
    }
  });

  it('keeps odd subjects and ids intact', async () => {
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'odd' });
    try {
      const msg = { id: 'id with spaces/and:*>\n', subject: 'weird type.*.>', payload: { ok: true } };
      await bus.publish('events', msg);
      expect(await bus.get('events', msg.id)).toMatchObject(msg);
      expect(await bus.query({ stream: 'events', subject: 'weird type.*.>' })).toMatchObject([msg]);
    } finally {
      await bus.close();
    }
  });

  it('rejects a message larger than the server max_payload as a PayloadError, not a retryable failure', async () => {
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'big' });
    try {
      const big = { id: 'big', subject: 'github.push', payload: { blob: 'x'.repeat(1_100_000) } };
      await expect(bus.publish('events', big)).rejects.toBeInstanceOf(PayloadError);
      await expect(bus.publish('events', big)).rejects.toThrow(/max_payload/);
      expect(await bus.get('events', 'big')).toBeUndefined();
    } finally {
      await bus.close();
    }
  });
});
