import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startApiHub, VIEWER_TOKEN, type ApiHub } from './api-harness.ts';

let hub: ApiHub;
beforeAll(async () => {
  hub = await startApiHub();
});
afterAll(() => hub.stop());

/** The status and error of a GET; a stream that opens is closed at once (its status is all this needs). */
async function get(path: string): Promise<{ status: number; error?: string }> {
  const controller = new AbortController();
  const res = await fetch(`${hub.base}${path}`, { headers: bearer(VIEWER_TOKEN), signal: controller.signal });
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
    controller.abort();
    return { status: res.status };
  }
  const body = (await res.json()) as { error?: string };
  return { status: res.status, ...(body.error === undefined ? {} : { error: body.error }) };
}

describe('query parameters the API cannot read are a 400 naming them, not a silent default', () => {
  it.each([
    ['/api/events?limit=0x10', /^limit must be a positive integer/],
    ['/api/events?limit=1e2', /^limit must be a positive integer/],
    ['/api/dlq?limit=%205', /^limit must be a positive integer/],
    ['/api/events?since=1h&until=2h', /^until \(.*\) is before since \(.*\): swap them$/],
    ['/api/events/stream?after=abc', /^after: "abc" is not a stream sequence number/],
    ['/api/events/stream?after=-1', /^after: "-1" is not a stream sequence number/],
    ['/api/events/stream?after=99999999999999999999', /^after: .* is not a stream sequence number/],
    ['/api/events/stream?payload=true', /^payload: "true" is neither 1/],
    ['/api/events/stream?since=1h&until=2h', /^until \(.*\) is before since/],
    ['/api/events?since=2h&since=x', /^since: given 2 times; give each query parameter once$/],
    ['/api/events?type=github.*&limit=5&type=stripe.*&type=x', /^type: given 3 times; give each query parameter once$/],
    ['/api/events/stream?connector=github&connector=githb', /^connector: given 2 times; give each query parameter once$/],
    ['/api/dlq?limit=5&limit=5', /^limit: given 2 times; give each query parameter once$/],
  ])('GET %s', async (path, error) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(res.error).toMatch(error);
  });

  it.each([
    '/api/events?limit=100',
    '/api/events?since=2h&until=1h',
    '/api/events/stream?after=0&payload=1',
    '/api/events/stream?payload=0',
    '/api/events/stream?connector=github',
    '/api/events/stream?connector=hookhub',
    '/api/events/stream?connector=scheduler',
  ])('GET %s is answered', async (path) => {
    expect((await get(path)).status).toBe(200);
  });
});

describe('a live stream filtered by a connector the hub does not have', () => {
  it('is a 400 listing the configured ones, not a stream that never sends anything', async () => {
    const res = await get('/api/events/stream?connector=githb');
    expect(res.status).toBe(400);
    expect(res.error).toBe(
      'connector: unknown connector "githb" (did you mean "github"?); connectors in hookhub.yaml: github (hookhub and scheduler for the hub\'s own events)',
    );
  });
});

describe('a path the API cannot decode', () => {
  it('is a 400 saying so, not a 404 "no such API endpoint" for an endpoint that exists', async () => {
    for (const path of ['/api/events/%E0%A4%A', '/api/events/100%/jobs', '/api/dlq/%FF/retry']) {
      const res = await fetch(`${hub.base}${path}`, { method: path.endsWith('/retry') ? 'POST' : 'GET', headers: bearer(VIEWER_TOKEN) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^the path has malformed percent-encoding/);
    }
    expect((await fetch(`${hub.base}/api/events/a%2Fb`, { headers: bearer(VIEWER_TOKEN) })).status).toBe(404);
  });
});
