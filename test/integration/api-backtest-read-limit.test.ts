/**
 * A viewer's backtest reads the newest events up to BACKTEST_READ_LIMIT of JSON, however many it
 * asks for: 5,000 large payloads were half a gigabyte read on the hub's event loop, gigabytes of
 * memory, then a worker out of heap and a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubEvent } from '../../src/events/hub-event.ts';
import { BACKTEST_READ_LIMIT } from '../../src/operations/backtest-rules.ts';
import { bearer, startApiHub, VIEWER_TOKEN, type ApiHub } from './api-harness.ts';

const EVENTS = 40;
/** Each event holds this much text: EVENTS of them are over the limit, a quarter of them well under. */
const PAYLOAD = Math.ceil(BACKTEST_READ_LIMIT / (EVENTS - 8));
const YAML = `rules:
  - name: blobs
    on: ["acme.blob"]
    do:
      - notify: { channel: sink, text: "{{subject}}" }
`;

interface Backtest {
  ok: boolean;
  tried: number;
  sizeLimited?: boolean;
  hits: { event: { id: string } }[];
}

let hub: ApiHub;

async function backtest(last: number): Promise<Backtest> {
  const res = await fetch(`${hub.base}/api/rules/backtest`, {
    method: 'POST',
    headers: { ...bearer(VIEWER_TOKEN), 'content-type': 'application/json' },
    body: JSON.stringify({ yaml: YAML, last }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Backtest;
}

beforeAll(async () => {
  hub = await startApiHub();
  const filler = 'x'.repeat(PAYLOAD);
  for (let i = 1; i <= EVENTS; i++) {
    const event = createHubEvent({ id: `blob-${i}`, type: 'acme.blob', connector: 'github', subject: `blob ${i}`, data: { filler } });
    await hub.bus.publish('events', { id: event.id, subject: event.type, payload: event });
  }
});
afterAll(() => hub.stop());

describe('the backtest reads within a size limit', () => {
  it('tries the newest events that fit, and says that older ones were left out', async () => {
    const result = await backtest(EVENTS);
    expect(result.ok).toBe(true);
    expect(result.sizeLimited).toBe(true);
    expect(result.tried).toBeGreaterThan(EVENTS / 2);
    expect(result.tried).toBeLessThan(EVENTS);
    expect(result.tried * PAYLOAD).toBeLessThanOrEqual(BACKTEST_READ_LIMIT);
    expect(result.hits.map((h) => h.event.id)).toEqual(Array.from({ length: result.tried }, (_, i) => `blob-${EVENTS - i}`));
  });

  it('reads all that was asked for when it fits', async () => {
    const result = await backtest(8);
    expect(result.sizeLimited).toBeUndefined();
    expect(result.tried).toBe(8);
  });
});
