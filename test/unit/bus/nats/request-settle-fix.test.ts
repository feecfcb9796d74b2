import { RequestOne } from '@nats-io/nats-core/internal';
import { afterEach, expect, it, vi } from 'vitest';
import { createConnectionState, type ConnectionState } from '../../../../src/bus/nats/nats-connection.ts';
import { useNatsServer } from '../../../helpers/nats-server.ts';

const server = useNatsServer();
let state: ConnectionState | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  await state?.close();
});

it('answers a successful request without cancelling it (no thrown-away RequestError); failures still reject through nats.js', async () => {
  state = await createConnectionState({ url: server().url }, 'request-settle-fix');
  const { nc } = state;
  const responder = nc.subscribe('echo', { callback: (_err, msg) => void msg.respond(msg.data) });
  await nc.flush();
  const cancel = vi.spyOn(RequestOne.prototype, 'cancel');

  const reply = await nc.request('echo', 'ping', { timeout: 2_000 });
  expect(reply.string()).toBe('ping');
  expect(cancel).not.toHaveBeenCalled();

  // The connection uses this copy of nats-core: its failure path (which cancels) is seen by the spy.
  await expect(nc.request('nobody.listens', 'ping', { timeout: 2_000 })).rejects.toThrow(/no responders/i);
  expect(cancel).toHaveBeenCalled();
  responder.unsubscribe();
});

it('still times out a request nobody answers in time', async () => {
  state = await createConnectionState({ url: server().url }, 'request-settle-fix');
  const { nc } = state;
  nc.subscribe('slow', { callback: () => undefined });
  await nc.flush();
  await expect(nc.request('slow', 'ping', { timeout: 200 })).rejects.toThrow(/timeout/i);
});
