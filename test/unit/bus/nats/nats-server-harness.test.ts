import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { startNatsServer } from '../../../helpers/nats-server.ts';

describe('nats-server test harness', () => {
  it('starts JetStream on a free port, restarts on the same port and store, and cleans up', async () => {
    const server = await startNatsServer();
    try {
      const nc = await connect({ servers: server.url });
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'HARNESS', subjects: ['harness.>'] });
      await nc.close();

      await server.kill();
      await server.restart();
      const again = await connect({ servers: server.url });
      const info = await (await jetstreamManager(again)).streams.info('HARNESS');
      expect(info.config.name).toBe('HARNESS');
      await again.close();
    } finally {
      await server.stop();
    }
    expect(existsSync(server.storeDir)).toBe(false);
  });
});
