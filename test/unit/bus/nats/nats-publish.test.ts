import { describe, expect, it } from 'vitest';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { PayloadError } from '../../../../src/errors.ts';
import { createNatsBus } from '../../../../src/bus/nats/nats-bus.ts';
import { encodeEnvelope } from '../../../../src/bus/nats/nats-envelope.ts';
import { idKey } from '../../../../src/bus/nats/nats-publish.ts';
import { delay } from '../../../contract/bus-contract-helpers.ts';
import { useNatsServer } from '../../../helpers/nats-server.ts';

describe('NatsBus publish and dedup', () => {
  const natsServer = useNatsServer();

  it('remembers ids in KV beyond the JetStream duplicate window', async () => {
    // retention 1 s → duplicate_window 1 s, while ids stay in the dedup bucket for 24 h.
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'horizon', retentionMs: 1_000 });
    try {
      expect(await bus.publish('events', { id: 'x', subject: 'github.push', payload: {} })).toEqual({ duplicate: false });
      await delay(1_500);
      expect(await bus.publish('events', { id: 'x', subject: 'github.push', payload: {} })).toEqual({ duplicate: true });
    } finally {
      await bus.close();
    }
  });

  it('heals an id whose first publish was stored but never confirmed', async () => {
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'heal' });
    const nc = await connect({ servers: natsServer().url });
    try {
      // As if the PubAck was lost: the message is in the stream, the dedup bucket does not know it.
      const lost = { id: 'lost', subject: 'github.push', payload: { v: 1 } };
      await jetstream(nc).publish('heal.events.github.push', encodeEnvelope(lost), { msgID: idKey('events', 'lost') });
      expect(await bus.get('events', 'lost')).toBeUndefined();
      expect(await bus.publish('events', { ...lost, payload: { v: 2 } })).toEqual({ duplicate: true });
      expect((await bus.get('events', 'lost'))?.payload).toEqual({ v: 1 });
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
