import type { HubEvent } from '../../events/hub-event.ts';
import { forwardEvent } from './forward-event.ts';
import { followHubStream, type StreamedEvent } from './hub-stream.ts';

export interface ListenSettings {
  url: string;
  token: string;
  forwardTo: string;
  secret: string;
  cloudevents: boolean;
  filter: Record<string, string>;
  since?: string;
}

export interface ListenDeps {
  fetch: typeof fetch;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  signal: AbortSignal;
  /** One line of terminal output (no trailing newline). */
  print: (line: string) => void;
}

/** Streams the hub's events and forwards each to the local app, one line per event, until `signal` aborts. */
export async function runListen(settings: ListenSettings, deps: ListenDeps): Promise<void> {
  deps.print(`forwarding to ${settings.forwardTo}; signing secret ${settings.secret} (Standard Webhooks; Ctrl-C to stop)`);
  await followHubStream({
    url: settings.url,
    token: settings.token,
    filter: settings.filter,
    ...(settings.since ? { since: settings.since } : {}),
    fetch: deps.fetch,
    sleep: deps.sleep,
    signal: deps.signal,
    status: (line) => deps.print(`${clock(deps.now())}  ${line}`),
    onEvent: (streamed) => forwardOne(streamed, settings, deps),
  });
}

async function forwardOne(streamed: StreamedEvent, settings: ListenSettings, deps: ListenDeps): Promise<void> {
  const head = `${clock(deps.now())}  ${streamed.type}  ${streamed.id}`;
  const event: HubEvent = streamed.event;
  const result = await forwardEvent(event, {
    target: settings.forwardTo,
    secret: settings.secret,
    cloudevents: settings.cloudevents,
    fetch: deps.fetch,
    now: deps.now,
    sleep: deps.sleep,
    signal: deps.signal,
    onRetry: (problem, delay) => deps.print(`${head}  ! ${problem}; retrying in ${delay / 1_000}s`),
  });
  if (result.error) deps.print(`${head}  x gave up after ${result.tries} tries: ${result.error}`);
  else deps.print(`${head}  -> ${result.status} (${result.ms} ms)`);
}

function clock(date: Date): string {
  return date.toISOString().slice(11, 19);
}
