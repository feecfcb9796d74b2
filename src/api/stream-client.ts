import type { ServerResponse } from 'node:http';
import type { BusStreams, StoredMessage } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { matchesStatic, type EventFilter } from '../operations/event-filter.ts';
import { summaryOf } from '../operations/event-summary.ts';
import { eventView } from '../operations/event-view.ts';

/** One client of the live event stream: its response and what it asked for. */
export interface StreamClient {
  res: ServerResponse;
  holder: string;
  filter: EventFilter;
  expiresAt: number | undefined;
  withPayload: boolean;
  stillValid: (() => boolean) | undefined;
  /** Set when the connection closed: a client that closes while joining is never added. */
  closed?: boolean;
}

/** Bytes a slow client may have queued before it is dropped (it reconnects with Last-Event-ID). */
const MAX_BUFFERED = 1 << 20;
export const BATCH = 500;

/** Answers the request with the SSE headers and a greeting. */
export function openStream(res: ServerResponse, holder: string): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(`retry: 2000\n: hello ${holder}\n\n`);
}

/**
 * Writes the events after `from` up to the poller's cursor (`head()`), following the cursor while it moves.
 * Waits for the socket to drain instead of dropping the client: a catch-up is large by nature
 * (with `payload=1` a few hundred events pass 1 MiB), and a dropped client would ask for it again.
 */
export async function catchUp(bus: BusStreams, client: StreamClient, from: number, head: () => number): Promise<void> {
  let sent = from;
  for (;;) {
    const upTo = head();
    if (sent >= upTo || client.res.destroyed) return;
    const batch = await bus.query<HubEvent>({ stream: 'events', afterSeq: sent, limit: Math.min(BATCH, upTo - sent) });
    const last = batch.at(-1);
    if (!last) return;
    for (const message of batch) {
      const frame = eventFrame(client, message);
      if (frame !== undefined && !client.res.write(frame)) await drained(client.res);
      if (client.res.destroyed) return;
    }
    sent = last.seq;
  }
}

/** Writes one live event to a client whose filter takes it; a client too slow to keep up is dropped. */
export function sendLive(client: StreamClient, message: StoredMessage<HubEvent>): void {
  const frame = eventFrame(client, message);
  if (frame === undefined) return;
  client.res.write(frame);
  if (client.res.writableLength > MAX_BUFFERED) client.res.destroy();
}

/** Whether the client's session expired or was logged out. */
export function sessionOver(client: StreamClient, now: number): boolean {
  return (client.expiresAt !== undefined && client.expiresAt <= now) || client.stillValid?.() === false;
}

function eventFrame(client: StreamClient, message: StoredMessage<HubEvent>): string | undefined {
  if (!matchesStatic(message, client.filter)) return undefined;
  const data = client.withPayload ? { ...summaryOf(message), event: eventView(message.payload) } : summaryOf(message);
  return `id: ${message.seq}\nevent: hub-event\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Resolves when the socket drains or closes; at once when it closed already (during a read): 'close' comes only once. */
function drained(res: ServerResponse): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
