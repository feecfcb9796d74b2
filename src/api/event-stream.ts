import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { EventBus, StoredMessage } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { matchesStatic, summaryOf, type EventFilter } from '../operations/list-events.ts';
import { findHeadSeq } from '../operations/stream-head.ts';
import type { Principal } from './auth.ts';
import { ApiError } from './http-kit.ts';

export interface EventStream {
  /** Serves one SSE client until it disconnects (or its session expires). */
  subscribe(req: IncomingMessage, res: ServerResponse, options: { filter: EventFilter; afterSeq?: number; principal: Principal; expiresAt?: number }): Promise<void>;
  /** The last seq seen by the poller (0 before it ran): a head hint for list queries. */
  headHint(): number;
  close(): void;
}

interface Client {
  res: ServerResponse;
  filter: EventFilter;
  expiresAt: number | undefined;
}

export interface EventStreamOptions {
  bus: EventBus;
  logger: Logger;
  now: () => Date;
  intervalMs?: number;
  maxClients?: number;
  /** A comment line keeps proxies from closing an idle stream. Default 15 s. */
  heartbeatMs?: number;
}

/** Bytes a slow client may have queued before it is dropped (it reconnects with Last-Event-ID). */
const MAX_BUFFERED = 1 << 20;
const BACKLOG = 500;

/**
 * Live events over Server-Sent Events. One poller per hub process reads the `events` stream after
 * its cursor every `intervalMs` (only while someone listens) and fans each event out to the
 * clients whose filter matches. `id:` is the stream seq, so a reconnect resumes where it left off.
 */
export function createEventStream(options: EventStreamOptions): EventStream {
  const { bus, logger, intervalMs = 500, maxClients = 100, heartbeatMs = 15_000 } = options;
  const clients = new Set<Client>();
  let cursor: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let beat: NodeJS.Timeout | undefined;
  let polling = false;

  const send = (client: Client, message: StoredMessage<HubEvent>) => {
    if (!matchesStatic(message, client.filter)) return;
    client.res.write(`id: ${message.seq}\nevent: hub-event\ndata: ${JSON.stringify(summaryOf(message))}\n\n`);
    if (client.res.writableLength > MAX_BUFFERED) client.res.destroy();
  };

  const poll = async () => {
    if (polling || cursor === undefined) return;
    polling = true;
    try {
      for (let round = 0; round < 10; round++) {
        const batch: StoredMessage<HubEvent>[] = await bus.query<HubEvent>({ stream: 'events', afterSeq: cursor, limit: BACKLOG });
        for (const message of batch) for (const client of clients) send(client, message);
        const last: StoredMessage<HubEvent> | undefined = batch[batch.length - 1];
        if (last) cursor = last.seq;
        if (batch.length < BACKLOG) break;
      }
      const now = options.now().getTime();
      for (const client of clients) if (client.expiresAt !== undefined && client.expiresAt <= now) client.res.end('event: expired\ndata: {}\n\n');
    } catch (error) {
      logger.warn({ err: error }, 'event stream: polling the bus failed; retrying');
    } finally {
      polling = false;
    }
  };

  const start = () => {
    timer ??= setInterval(() => void poll(), intervalMs);
    beat ??= setInterval(() => {
      for (const client of clients) client.res.write(': ping\n\n');
    }, heartbeatMs);
  };
  const stopIfIdle = () => {
    if (clients.size > 0) return;
    clearInterval(timer);
    clearInterval(beat);
    timer = beat = undefined;
  };

  return {
    async subscribe(req, res, { filter, afterSeq, principal, expiresAt }) {
      if (clients.size >= maxClients) throw new ApiError(503, 'too many live streams; try again shortly', { 'retry-after': '10' });
      cursor ??= await findHeadSeq(bus, 'events');
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write(`retry: 2000\n: hello ${principal.name}\n\n`);
      const client: Client = { res, filter, expiresAt };
      const upTo = cursor;
      if (afterSeq !== undefined && afterSeq < upTo) {
        // A reconnect: replay what it missed (bounded), up to the shared cursor.
        const missed = await bus.query<HubEvent>({ stream: 'events', afterSeq: Math.max(afterSeq, upTo - 10 * BACKLOG), limit: 10 * BACKLOG });
        for (const message of missed) if (message.seq <= upTo) send(client, message);
      }
      clients.add(client);
      if (cursor > upTo) {
        // The poller moved on while we caught up: send that gap too (the page drops repeats by id).
        for (const message of await bus.query<HubEvent>({ stream: 'events', afterSeq: upTo, limit: cursor - upTo })) send(client, message);
      }
      start();
      await new Promise<void>((resolve) => {
        const done = () => {
          clients.delete(client);
          stopIfIdle();
          resolve();
        };
        req.once('close', done);
        res.once('close', done);
      });
    },
    headHint: () => cursor ?? 0,
    close() {
      for (const client of clients) client.res.end();
      clients.clear();
      stopIfIdle();
    },
  };
}
