import { NodeTransport } from '@nats-io/transport-node/lib/node_transport.js';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterEach, expect, it } from 'vitest';
import { createConnectionState, type ConnectionState } from '../../../../src/bus/nats/nats-connection.ts';
import { useNatsServer } from '../../../helpers/nats-server.ts';

const server = useNatsServer();
let state: ConnectionState | undefined;
let frozen: number | undefined;

afterEach(async () => {
  if (frozen !== undefined) process.kill(frozen, 'SIGCONT');
  frozen = undefined;
  await state?.close();
  state = undefined;
});

/** Resolves with the time of the connection's next `type` status, or undefined after `ms`. */
function nextStatus(nc: NatsConnection, type: string, ms: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type !== type) continue;
        clearTimeout(timer);
        resolve(Date.now());
        return;
      }
    })();
  });
}

it('patches the transport method nats.js leaves a connection through', () => {
  // The library's own disconnect is `this._closed(undefined, true)`: it waits for a write of an empty frame.
  expect(NodeTransport.prototype.disconnect.toString()).not.toContain('_closed(');
  expect(typeof NodeTransport.prototype._send).toBe('function');
  expect(typeof NodeTransport.prototype.close).toBe('function');
});

it('leaves a server that reads nothing (SIGSTOP) within a second of a reconnect, its socket full', async () => {
  state = await createConnectionState({ url: server().url }, 'stale-close-fix');
  const { nc } = state;
  frozen = server().pid();
  if (frozen === undefined) throw new Error('nats-server is not running');
  process.kill(frozen, 'SIGSTOP');
  // Fill the socket's buffers: the frozen server reads nothing, so the last writes never complete.
  const chunk = new Uint8Array(512 * 1024);
  for (let i = 0; i < 128; i++) nc.publish('fill', chunk);
  await new Promise((r) => setTimeout(r, 200));
  const disconnected = nextStatus(nc, 'disconnect', 5_000);
  const asked = Date.now();
  // The same internal path as a stale connection (pings unanswered): ProtocolHandler -> transport.disconnect().
  await nc.reconnect();
  const at = await disconnected;
  expect(at, 'the client never left the frozen server').toBeDefined();
  expect(at! - asked).toBeLessThan(1_500);
});
