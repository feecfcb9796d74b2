import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prPayload, startApiHub, VIEWER_TOKEN, type ApiHub } from './api-harness.ts';

let hub: ApiHub;

beforeAll(async () => {
  hub = await startApiHub({ streamIntervalMs: 50 });
});
afterAll(() => hub.stop());

/** Reads SSE text until `done` says so or the stream ends; returns everything read. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, done: (text: string) => boolean, sofar = ''): Promise<string> {
  const decoder = new TextDecoder();
  let text = sofar;
  while (!done(text)) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text;
}

describe('a dashboard session that logs out', () => {
  it('ends its open live stream too: no event reaches it after the logout', async () => {
    const login = await fetch(`${hub.base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: VIEWER_TOKEN }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await login.json()) as { csrfToken: string };

    const stream = await fetch(`${hub.base}/api/events/stream`, { headers: { cookie, accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    await readUntil(reader, (t) => t.includes('event: ready'));

    const logout = await fetch(`${hub.base}/api/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(logout.status).toBe(200);
    expect((await fetch(`${hub.base}/api/events`, { headers: { cookie } })).status).toBe(401);

    expect((await hub.sendGithub('pull_request', prPayload(7), 'after-logout-1')).status).toBe(202);
    const rest = await Promise.race([
      readUntil(reader, (t) => t.includes('event: expired') || t.includes('after-logout-1')),
      new Promise<string>((resolve) => setTimeout(() => resolve('(still open after 5 s)'), 5_000)),
    ]);
    await reader.cancel().catch(() => undefined);
    expect(rest).not.toContain('after-logout-1');
    expect(rest).toContain('event: expired');
  });
});
