/**
 * Logout across hub processes: two hubs on one bus (one embedded file, or one NATS) accept the same
 * session cookie. A logout on one ends the session on the other within its refresh interval, and the
 * live stream the other serves that session is closed. A logout the bus cannot record says so.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { eventually, tempDir } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { startApiHub, VIEWER_TOKEN, type ApiHub } from './api-harness.ts';

const natsServer = useNatsServer();
const REFRESH_MS = 200;
let cleanup: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** A hub per bus (each bus as another process would open it), stopped after the test. */
async function startHubs(buses: EventBus[]): Promise<ApiHub[]> {
  const hubs: ApiHub[] = [];
  for (const bus of buses) {
    cleanup.push(() => bus.close());
    const hub = await startApiHub({ bus, sessionRefreshMs: REFRESH_MS });
    cleanup.push(() => hub.stop());
    hubs.push(hub);
  }
  return hubs;
}

async function login(hub: ApiHub): Promise<{ cookie: string; csrfToken: string }> {
  const res = await fetch(`${hub.base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: VIEWER_TOKEN }),
  });
  expect(res.status).toBe(200);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrfToken };
}

const logout = (hub: ApiHub, session: { cookie: string; csrfToken: string }) =>
  fetch(`${hub.base}/api/session`, { method: 'DELETE', headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken } });

const statusWith = async (hub: ApiHub, cookie: string) => (await fetch(`${hub.base}/api/events`, { headers: { cookie } })).status;

/** Reads SSE text until `done` says so, the stream ends, or 10 s pass; returns everything read. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, done: (text: string) => boolean): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ done: true }>((resolve) => (timer = setTimeout(() => resolve({ done: true }), 10_000)));
  try {
    while (!done(text)) {
      const chunk = await Promise.race([reader.read(), timeout]);
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
  }
  return text;
}

/** Logs in on the first hub, opens a live stream on the second, logs out on the first. */
async function logOutAcross([first, second]: ApiHub[]): Promise<void> {
  const session = await login(first!);
  expect(await statusWith(second!, session.cookie)).toBe(200);
  const stream = await fetch(`${second!.base}/api/events/stream`, { headers: { cookie: session.cookie, accept: 'text/event-stream' } });
  expect(stream.status).toBe(200);
  const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
  expect(await readUntil(reader, (t) => t.includes('event: ready'))).toContain('event: ready');

  expect((await logout(first!, session)).status).toBe(200);
  expect(await statusWith(first!, session.cookie)).toBe(401);
  // No event is published: only the logout, learnt from the bus, ends the stream on the second hub.
  const rest = await readUntil(reader, (t) => t.includes('event: expired'));
  await reader.cancel().catch(() => undefined);
  expect(rest).toContain('event: expired');
  await eventually(async () => (await statusWith(second!, session.cookie)) === 401, 10_000, 'the second hub to refuse the cookie');
  // A new login on either hub is not affected.
  expect(await statusWith(second!, (await login(first!)).cookie)).toBe(200);
}

describe('logout across hub processes', () => {
  it('on one embedded file: the other hub refuses the cookie and closes its live stream', async () => {
    const path = join(tempDir('hookhub-logout-'), 'hookhub.db');
    await logOutAcross(await startHubs([await createEmbeddedBus({ path }), await createEmbeddedBus({ path })]));
  });

  it('on one NATS: the other hub refuses the cookie and closes its live stream', async () => {
    const open = () => createNatsBus({ url: natsServer().url, prefix: `logout${process.pid}` });
    await logOutAcross(await startHubs([await open(), await open()]));
  });

  it('answers 503 and keeps the session when the bus cannot record the logout', async () => {
    const bus = await createEmbeddedBus({ path: join(tempDir('hookhub-logout-'), 'hookhub.db') });
    const [hub] = await startHubs([bus]);
    const session = await login(hub!);
    await bus.close();
    const res = await logout(hub!, session);
    expect(res.status).toBe(503);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(((await res.json()) as { error: string }).error).toMatch(/logout could not be recorded.*still works.*try again/);
    const who = await fetch(`${hub!.base}/api/session`, { headers: { cookie: session.cookie } });
    expect(who.status).toBe(200);
  });
});
