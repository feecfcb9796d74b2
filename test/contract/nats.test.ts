import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createNatsBus, type NatsBus } from '../../src/bus/nats/nats-bus.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { describeBusContract } from './bus-contract.ts';
import { RETENTION_MS } from './bus-contract-helpers.ts';

const natsServer = useNatsServer();
let counter = 0;

/** Removes the streams (and KV buckets, which are streams) of one test's prefix. */
async function dropPrefix(url: string, prefix: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) {
      if (name.toLowerCase().includes(prefix)) await jsm.streams.delete(name);
    }
  } finally {
    await nc.close();
  }
}

// One nats-server per file; each test gets its own prefix, so its streams and buckets are empty.
describeBusContract(
  'nats',
  async () => {
    const url = natsServer().url;
    const prefix = `t${process.pid}x${++counter}`;
    let bus: NatsBus = await createNatsBus({ url, prefix });
    return {
      bus,
      async reopen() {
        await bus.close();
        bus = await createNatsBus({ url, prefix });
        return bus;
      },
      sweep: async () => void (await bus.prune(RETENTION_MS)),
      async cleanup() {
        await bus.close();
        await dropPrefix(url, prefix);
      },
    };
  },
  { restart: true },
);
