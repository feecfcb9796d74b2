/**
 * The live event stream (EventStream) served on a local port, its SSE clients, and a bus whose reads a
 * test can hold or fail: what the stream's tests share.
 */
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventStream } from '../../src/api/event-stream.ts';
import type { BusStreams, EventBus } from '../../src/bus/event-bus.ts';
import { createHubEvent } from '../../src/events/hub-event.ts';

export const viewer = { name: 'ana', role: 'viewer' as const, via: 'bearer' as const };

/** `bus` as the stream sees it, with its `query` (the poller's read) replaced. */
export function withQuery(bus: BusStreams, query: BusStreams['query']): BusStreams {
  return {
    publish: (...args) => bus.publish(...args),
    consume: (...args) => bus.consume(...args),
    get: (...args) => bus.get(...args),
    finishedThrough: (...args) => bus.finishedThrough(...args),
    lastSeq: (...args) => bus.lastSeq(...args),
    eventHeads: (...args) => bus.eventHeads(...args),
    countEvents: (...args) => bus.countEvents(...args),
    query,
  };
}

/** Serves `stream` to every request, resuming after a client's Last-Event-ID; `onRequest` sees each request after it subscribed. */
export async function serveStream(stream: EventStream, onRequest?: (req: IncomingMessage) => void): Promise<Server> {
  const server = createServer((req, res) => {
    const last = req.headers['last-event-id'];
    const options = { filter: {}, principal: viewer, ...(typeof last === 'string' ? { afterSeq: Number(last) } : {}) };
    void stream.subscribe(req, res, options);
    onRequest?.(req);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

export async function stopStream(stream: EventStream | undefined, server: Server | undefined, bus: EventBus | undefined): Promise<void> {
  stream?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await bus?.close();
}

export interface StreamClient {
  received(): string;
  /** The seqs of the events received, in order. */
  seqs(): number[];
  /** The event ids received, in order. */
  ids(): string[];
  close(): void;
}

/** An SSE client of `server`; `lastEventId` makes it a client coming back. */
export function listenTo(server: Server, lastEventId?: number): StreamClient {
  let text = '';
  const headers = lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) };
  const req = get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { headers }, (res) =>
    res.on('data', (chunk: Buffer) => (text += chunk.toString())),
  );
  req.on('error', () => undefined);
  return {
    received: () => text,
    seqs: () => [...text.matchAll(/^id: (\d+)\nevent: hub-event$/gm)].map((m) => Number(m[1])),
    ids: () => [...text.matchAll(/"id":"([^"]+)"/g)].map((m) => m[1] ?? ''),
    close: () => req.destroy(),
  };
}

/** Publishes a `github.push` event with this id. */
export function publishPush(bus: EventBus, id: string, data: Record<string, unknown> = {}) {
  return bus.publish('events', { id, subject: 'github.push', payload: createHubEvent({ id, type: 'github.push', connector: 'gh', data }) });
}

/** Holds the poller's reads while shut: a poll then finds all that was published meanwhile, or is caught mid-read. */
export function readGate() {
  let gate: Promise<void> | undefined;
  let release: () => void = () => undefined;
  let held = false;
  return {
    /** Called by the test's query before it reads. */
    async pass(): Promise<void> {
      if (!gate) return;
      held = true;
      await gate;
    },
    shut(): void {
      gate = new Promise<void>((resolve) => (release = resolve));
    },
    open(): void {
      gate = undefined;
      release();
    },
    /** A read is waiting at the gate. */
    held: () => held,
  };
}
