import { afterAll, beforeAll } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createNatsBus, type NatsBus } from '../../src/bus/nats/nats-bus.ts';
import { startNatsServer, type NatsServerHandle } from '../helpers/nats-server.ts';
import { describeBusContract } from './bus-contract.ts';

let server: NatsServerHandle | undefined;
let counter = 0;

beforeAll(async () => {
  server = await startNatsServer();
});

afterAll(async () => {
  await server?.stop();
});

function natsUrl(): string {
  if (server === undefined) throw new Error('nats-server did not start (see the beforeAll error)');
  return server.url;
}

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
    const url = natsUrl();
    const prefix = `t${process.pid}x${++counter}`;
    let bus: NatsBus = await createNatsBus({ url, prefix });
    return {
      bus,
      async reopen() {
        await bus.close();
        bus = await createNatsBus({ url, prefix });
        return bus;
      },
      async cleanup() {
        await bus.close();
        await dropPrefix(url, prefix);
      },
    };
  },
  { restart: true },
);
