import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, prPayload, startApiHub, VIEWER_TOKEN, type ApiHub } from './api-harness.ts';
import { eventually } from '../helpers/hub-fixtures.ts';

let hub: ApiHub;
beforeAll(async () => {
  hub = await startApiHub();
});
afterAll(() => hub.stop());

describe('an event whose id is "stream" (a delivery or webhook-id header the sender chose)', () => {
  it('is fetched by a JSON client at /api/events/stream, which still streams for EventSource, listen and curl', async () => {
    expect((await hub.sendGithub('pull_request', prPayload(42), 'stream')).status).toBe(202);
    await eventually(async () => expect(await hub.bus.get('events', 'stream')).toBeDefined());
    const json = await fetch(`${hub.base}/api/events/stream`, { headers: { ...bearer(VIEWER_TOKEN), accept: 'application/json' } });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await json.json()) as { event: { id: string; type: string } }).event).toMatchObject({
      id: 'stream',
      type: 'github.pull_request.opened',
    });
    for (const accept of ['text/event-stream', '*/*', undefined]) {
      const controller = new AbortController();
      const headers = { ...bearer(VIEWER_TOKEN), ...(accept === undefined ? {} : { accept }) };
      const res = await fetch(`${hub.base}/api/events/stream`, { headers, signal: controller.signal });
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      controller.abort();
    }
  });
});
