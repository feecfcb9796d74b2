import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { IngressServer } from '../../src/ingress/ingress-server.ts';
import { openTempEmbeddedBus, silentLogger } from '../helpers/hub-fixtures.ts';

let ingress: IngressServer | undefined;
let bus: EventBus | undefined;
afterEach(async () => {
  await ingress?.close();
  await bus?.close();
});

async function start(limits: { headersTimeoutMs: number; requestTimeoutMs: number; maxConnections: number }): Promise<number> {
  bus = await openTempEmbeddedBus();
  ingress = new IngressServer({ connectors: new Map(), bus, bodyLimit: 1024, logger: silentLogger, limits });
  return ingress.listen(0);
}

/** Resolves with what the server sent before it closed the socket, or 'open' if it is still open after `ms`. */
function closedWithin(socket: Socket, ms: number): Promise<string> {
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('open'), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

describe('slow clients', () => {
  it('closes a connection that never finishes its headers (Slowloris) after headersTimeout', async () => {
    const port = await start({ headersTimeoutMs: 500, requestTimeoutMs: 2_000, maxConnections: 100 });
    const socket = connect(port, '127.0.0.1');
    socket.write('POST /hooks/github HTTP/1.1\r\nHost: hub\r\nX-Trickle: ');
    const outcome = await closedWithin(socket, 6_000);
    expect(outcome).not.toBe('open');
    expect(outcome).toMatch(/^HTTP\/1\.1 408/);
  });

  it('refuses connections beyond maxConnections', async () => {
    const port = await start({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxConnections: 2 });
    const held = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
    await Promise.all(held.map((s) => new Promise((r) => s.once('connect', r))));
    await new Promise((r) => setTimeout(r, 100));
    const extra = connect(port, '127.0.0.1');
    expect(await closedWithin(extra, 3_000)).toBe('');
    for (const s of held) s.destroy();
  });
});
