/**
 * HEAD on the live stream (a monitor checking the endpoint) is answered with the stream's headers
 * and ends: it used to subscribe, send nothing (Node sends a HEAD's headers only at its end) and
 * hold one of the token's 20 stream slots until the client gave up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startApiHub, VIEWER_TOKEN, type ApiHub } from './api-harness.ts';

let hub: ApiHub;
beforeAll(async () => {
  hub = await startApiHub();
});
afterAll(() => hub.stop());

describe('HEAD /api/events/stream', () => {
  it('answers the headers at once and holds no stream slot', async () => {
    for (let i = 0; i < 25; i++) {
      const res = await fetch(`${hub.base}/api/events/stream`, { method: 'HEAD', headers: bearer(VIEWER_TOKEN) });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    const controller = new AbortController();
    const live = await fetch(`${hub.base}/api/events/stream`, { headers: bearer(VIEWER_TOKEN), signal: controller.signal });
    expect(live.status).toBe(200);
    controller.abort();
  });

  it('still checks the filter and the token', async () => {
    const bad = await fetch(`${hub.base}/api/events/stream?status=failed`, { method: 'HEAD', headers: bearer(VIEWER_TOKEN) });
    expect(bad.status).toBe(400);
    expect((await fetch(`${hub.base}/api/events/stream`, { method: 'HEAD' })).status).toBe(401);
  });
});
