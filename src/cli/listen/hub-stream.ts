import type { HubEvent } from '../../events/hub-event.ts';
import { reasonOf } from './forward-event.ts';
import { readSse, type SseMessage } from './sse-reader.ts';

/** A stream message with `payload=1`: the list summary plus the whole CloudEvent. */
export interface StreamedEvent {
  seq: number;
  id: string;
  type: string;
  event: HubEvent;
}

export interface HubStreamOptions {
  /** Hub base URL. */
  url: string;
  token: string;
  /** Filters for /api/events/stream (`type`, `connector`). */
  filter: Record<string, string>;
  /** Absolute start (ISO) for `--since`; used until the first event arrives. */
  since?: string;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  signal: AbortSignal;
  /**
   * Longest wait for the hub's answer, or for its next bytes while listen waits to read: the hub
   * writes a heartbeat every 15 s, so a longer silence is a dead connection. Default 45 s.
   */
  idleMs?: number;
  status: (line: string) => void;
  /** Awaited: the next event is read only when this one is handled, and only then is it resumed past. */
  onEvent: (event: StreamedEvent) => Promise<void>;
}

/** A problem that reconnecting cannot fix (bad token, bad filter). */
export class ListenError extends Error {
  override name = 'ListenError';
}

/**
 * Follows the hub's live stream until `signal` aborts. After a drop or a hub restart it reconnects
 * with `Last-Event-ID` (the last event handled, or the head the hub reported on connect), so the
 * hub sends what was missed in between.
 */
export async function followHubStream(options: HubStreamOptions): Promise<void> {
  let lastId: string | undefined;
  let delay = 500;
  while (!options.signal.aborted) {
    const watchdog = createWatchdog(options.signal, options.idleMs ?? 45_000);
    try {
      const body = await connect(options, lastId, watchdog);
      options.status(lastId === undefined ? `connected to ${options.url}` : `connected to ${options.url}, resuming after #${lastId}`);
      delay = 500;
      for await (const message of readSse(watchdog.read(body))) {
        if (message.event === 'expired')
          throw new ListenError('the hub ended the stream: the session expired; use an API token (--token or HOOKHUB_TOKEN)');
        if (message.event === 'hub-event') await handleEvent(message, options);
        if (message.id !== undefined) lastId = message.id;
      }
      options.status('the hub closed the stream; reconnecting');
    } catch (err) {
      if (options.signal.aborted) return;
      if (err instanceof ListenError) throw err;
      options.status(`hub unreachable at ${options.url} (${reasonOf(err)}); retrying in ${delay / 1_000}s (is it running? check --url)`);
    } finally {
      watchdog.stop();
    }
    await options.sleep(delay);
    delay = Math.min(delay * 2, 10_000);
  }
}

/** A message listen cannot read is reported and passed over: reconnecting would only read it again, for ever. */
async function handleEvent(message: SseMessage, options: HubStreamOptions): Promise<void> {
  const streamed = readStreamedEvent(message.data);
  if (typeof streamed !== 'string') return options.onEvent(streamed);
  const id = eventIdIn(message.data);
  const which = [message.id === undefined ? undefined : `#${message.id}`, id === undefined ? undefined : `event ${id}`];
  options.status(`skipped ${which.filter(Boolean).join(', ') || 'a message'}: ${streamed}; not forwarded, listen moves on`);
}

function readStreamedEvent(data: string): StreamedEvent | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch (error) {
    return `the hub sent it as broken JSON (${(error as Error).message})`;
  }
  const streamed = parsed as Partial<StreamedEvent> | null;
  const complete =
    typeof streamed?.id === 'string' && typeof streamed.type === 'string' && typeof streamed.event === 'object' && streamed.event !== null;
  return complete ? (streamed as StreamedEvent) : 'the hub sent it without its id, type or event';
}

/** The event id from a message that may not parse: the summary's first field named `id`. */
function eventIdIn(data: string): string | undefined {
  const match = /"id":"((?:[^"\\]|\\.){1,200})"/.exec(data);
  if (!match) return undefined;
  try {
    return JSON.parse(`"${match[1]}"`) as string;
  } catch {
    return undefined;
  }
}

async function connect(options: HubStreamOptions, lastId: string | undefined, watchdog: Watchdog): Promise<ReadableStream<Uint8Array>> {
  const query = new URLSearchParams({ ...options.filter, payload: '1' });
  if (lastId === undefined && options.since) query.set('since', options.since);
  if (lastId === undefined && options.since) query.set('after', '0');
  const headers: Record<string, string> = { authorization: `Bearer ${options.token}`, accept: 'text/event-stream' };
  if (lastId !== undefined) headers['last-event-id'] = lastId;
  const response = await watchdog.wait(options.fetch(`${options.url}/api/events/stream?${query}`, { headers, signal: watchdog.signal }));
  if (response.status === 401 || response.status === 403) {
    throw new ListenError(
      `the hub refused the token (HTTP ${response.status}): pass a viewer or admin token with --token or HOOKHUB_TOKEN`,
    );
  }
  if (response.status === 400) throw new ListenError(`the hub refused the filter: ${await errorText(response)}`);
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} ${await errorText(response)}`.trim());
  return response.body;
}

async function errorText(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    return typeof error === 'string' ? error : text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}

/** One connection's deadline: armed only while listen waits on the hub, never while the local app handles an event. */
interface Watchdog {
  /** Aborts the connection when the deadline passes (and when listen stops). */
  signal: AbortSignal;
  wait<T>(pending: Promise<T>): Promise<T>;
  read(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array>;
  stop(): void;
}

/** A plain controller rather than AbortSignal.any(), which leaves an entry on `outer` per reconnect (see run-attempt.ts). */
function createWatchdog(outer: AbortSignal, idleMs: number): Watchdog {
  const connection = new AbortController();
  const stopped = (): void => connection.abort(outer.reason);
  if (outer.aborted) stopped();
  else outer.addEventListener('abort', stopped, { once: true });
  const silence = new Error(`no data from the hub for ${idleMs / 1_000}s`);
  const wait = async <T>(pending: Promise<T>): Promise<T> => {
    const timer = setTimeout(() => connection.abort(silence), idleMs);
    try {
      return await pending;
    } catch (error) {
      throw connection.signal.aborted ? silence : error;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    signal: connection.signal,
    wait,
    async *read(body) {
      const reader = body.getReader();
      try {
        for (;;) {
          const chunk = await wait(reader.read());
          if (chunk.done) return;
          yield chunk.value;
        }
      } finally {
        reader.releaseLock();
      }
    },
    stop: () => {
      outer.removeEventListener('abort', stopped);
      connection.abort();
    },
  };
}
