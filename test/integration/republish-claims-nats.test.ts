/** Republish claims on NATS: released claims leave nothing in their bucket (no delete marker per job). */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { REPUBLISH_CLAIMS_BUCKET, withRepublishClaim } from '../../src/actions/runtime/republish-claim.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { useNatsServer } from '../helpers/nats-server.ts';

const natsServer = useNatsServer();
let bus: EventBus | undefined;
afterEach(async () => {
  await bus?.close();
  bus = undefined;
});

describe('republish claims on the nats bus', () => {
  it('leaves no entry and no delete marker per job once its claims are released', async () => {
    const prefix = `claims${process.pid}`;
    bus = await createNatsBus({ url: natsServer().url, prefix });
    for (let i = 0; i < 20; i++) expect(await withRepublishClaim(bus, `evt-${i}:rule:0`, new Date(), () => Promise.resolve(i))).toBe(i);

    const nc = await connect({ servers: natsServer().url });
    const jsm = await jetstreamManager(nc);
    const { state } = await jsm.streams.info(`KV_${prefix}_kv_${REPUBLISH_CLAIMS_BUCKET}`);
    await nc.close();
    expect(state.last_seq).toBe(20);
    expect(state.messages).toBe(0);
    expect(await bus.kv(REPUBLISH_CLAIMS_BUCKET).entries()).toEqual([]);
  });
});
