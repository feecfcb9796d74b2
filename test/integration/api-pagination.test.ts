/**
 * Server-side pagination with 100,000 events (and 50,000 jobs interleaved, as a router would
 * write them) in the embedded bus: every page costs about the same, however deep the cursor or
 * rare the filter. Timing bounds are generous upper limits (2 shared cores); the measured
 * latencies are printed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actions } from '../../src/actions/index.ts';
import { createOperatorApi } from '../../src/api/operator-api.ts';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { createHubEvent } from '../../src/events/hub-event.ts';
import { listEvents, SEARCH_BUDGET, type EventPage, type EventPageRequest } from '../../src/operations/list-events.ts';
import { EMPTY_RULE_SET } from '../../src/rules/rule-set.ts';
import { silentLogger, tempDir } from '../helpers/hub-fixtures.ts';
import { ADMIN_TOKEN, bearer } from './api-harness.ts';

const TOTAL = 100_000;
const RARE_EVERY = 10_000;
let bus: EventBus;
let server: Server;
let base: string;
const timings: Record<string, number> = {};

function eventAt(i: number) {
  const rare = i % RARE_EVERY === 0;
  const kind = rare ? 'release.published' : i % 10 === 0 ? 'payment_intent.succeeded' : i % 3 === 0 ? 'pull_request.opened' : 'push';
  const provider = kind.startsWith('payment') ? 'stripe' : 'github';
  return createHubEvent({
    id: `evt-${i}`,
    type: `${provider}.${kind}`,
    connector: provider,
    subject: `acme/repo-${i % 50}#${i}`,
    data: { i, padding: 'x'.repeat(200) },
  });
}

async function timed(name: string, request: EventPageRequest): Promise<EventPage> {
  const started = performance.now();
  const page = await listEvents(bus, request);
  timings[name] = Math.round(performance.now() - started);
  return page;
}

beforeAll(async () => {
  bus = await createEmbeddedBus({ path: join(tempDir('hookhub-100k-'), 'hookhub.db') });
  for (let start = 1; start <= TOTAL; start += 2_000) {
    const batch: Promise<unknown>[] = [];
    for (let i = start; i < start + 2_000; i++) {
      const event = eventAt(i);
      batch.push(bus.publish('events', { id: event.id, subject: event.type, payload: event }));
      if (i % 2 === 0) batch.push(bus.publish('jobs', { id: `${event.id}:r:0`, subject: 'notify', payload: { id: `${event.id}:r:0` } }));
    }
    await Promise.all(batch);
  }
  const config = parseConfig(
    '/tmp/hookhub.yaml',
    `api: { tokens: [{ name: alice, token: ${ADMIN_TOKEN}, role: admin }] }\nconnectors: {}\n`,
    { vars: {} },
  );
  const api = createOperatorApi({ bus, config, getRuleSet: () => EMPTY_RULE_SET, registry: actions, logger: silentLogger });
  server = createServer(api.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 240_000);

afterAll(async () => {
  console.log(`page latency with ${TOTAL} events (ms): ${JSON.stringify(timings)}`);
  server?.close();
  await bus?.close();
});

const ids = (page: EventPage) => page.events.map((e) => e.id);
const range = (from: number, count: number) => Array.from({ length: count }, (_, k) => `evt-${from - k}`);

describe(`event pages with ${TOTAL} events`, () => {
  it('serves the newest page and walks back by cursor with no gap or repeat', async () => {
    const first = await timed('newest', { limit: 50 });
    expect(ids(first)).toEqual(range(TOTAL, 50));
    expect(first.scanned).toBe(50);
    let page = first;
    for (let n = 1; n < 20; n++) {
      page = await timed(`page-${n + 1}`, { limit: 50, cursor: page.next! });
      expect(ids(page)).toEqual(range(TOTAL - 50 * n, 50));
    }
    expect(Math.max(...Object.values(timings))).toBeLessThan(1_000);
  });

  it('is as fast at the far end of history (deep cursor)', async () => {
    const newest = await listEvents(bus, { limit: 1 });
    const deepCursor = String(newest.events[0]!.seq - Math.floor(TOTAL * 1.45));
    const deep = await timed('deep', { limit: 50, cursor: deepCursor });
    expect(deep.events).toHaveLength(50);
    expect(deep.events[0]!.seq).toBeLessThan(Number(deepCursor));
    // Below seq 60 there are ~40 events: the last page, ending at the very first event.
    const last = await timed('oldest', { limit: 50, cursor: '60' });
    expect(ids(last).at(-1)).toBe('evt-1');
    expect(last.next).toBeUndefined();
    expect(timings.deep).toBeLessThan(1_000);
  });

  it('finds a rare type back through history, reading the heads of its own events only', async () => {
    const found: string[] = [];
    let request: EventPageRequest = { limit: 50, filter: { type: 'github.release.*' } };
    let pages = 0;
    for (;;) {
      const page = await timed(`rare-${++pages}`, request);
      found.push(...ids(page));
      expect(page.scanned).toBe(page.events.length);
      if (!page.next) break;
      request = { ...request, cursor: page.next };
    }
    expect(found).toEqual(Array.from({ length: TOTAL / RARE_EVERY }, (_, k) => `evt-${TOTAL - k * RARE_EVERY}`));
    expect(pages).toBe(1);
    expect(
      Math.max(
        ...Object.entries(timings)
          .filter(([k]) => k.startsWith('rare'))
          .map(([, v]) => v),
      ),
    ).toBeLessThan(2_000);
  });

  it('filters by text, connector and status within the same bounds', async () => {
    const text = await timed('text', { limit: 5, filter: { q: 'repo-7#99957' } });
    expect(ids(text)).toEqual(['evt-99957']);
    const stripe = await timed('connector', { limit: 20, filter: { connector: 'stripe' } });
    expect(ids(stripe)).toEqual(Array.from({ length: 20 }, (_, k) => `evt-${TOTAL - 10 - 10 * k}`));
    const pending = await timed('status-pending', { limit: 50, filter: { status: 'pending' } });
    expect(pending.events).toHaveLength(50);
    const delivered = await timed('status-none', { limit: 50, filter: { status: 'delivered' } });
    expect(delivered.events).toEqual([]);
    expect(delivered.scanned).toBe(1_000);
    expect(delivered.next).toBeDefined();
    expect(Math.max(timings.text ?? 0, timings.connector ?? 0, timings['status-none'] ?? 0)).toBeLessThan(2_000);
  });

  it('bounds a text search that finds nothing: 20,000 heads in short reads, then says it stopped at its limit', async () => {
    // Reads on the embedded bus are synchronous: only the search's own pauses between them let this run.
    let ranMeanwhile = 0;
    const tick = (): void => void (ranMeanwhile++, ticking && setImmediate(tick));
    let ticking = true;
    setImmediate(tick);
    const direct = await timed('text-none', { filter: { q: 'zzz' } });
    ticking = false;
    expect(ranMeanwhile).toBeGreaterThan(3);
    expect(direct).toMatchObject({ events: [], scanned: SEARCH_BUDGET, searchLimited: true });
    const res = await fetch(`${base}/api/events?q=zzz`, { headers: bearer(ADMIN_TOKEN) });
    const page = (await res.json()) as EventPage;
    expect(page).toMatchObject({ events: [], scanned: SEARCH_BUDGET, searchLimited: true, next: direct.next });
    const older = (await (
      await fetch(`${base}/api/events?q=zzz&cursor=${page.next}`, { headers: bearer(ADMIN_TOKEN) })
    ).json()) as EventPage;
    expect(Date.parse(older.searchedTo!)).toBeLessThan(Date.parse(page.searchedTo!));
    expect(older.searchLimited).toBe(true);
  });

  it('serves the same pages over HTTP', async () => {
    const started = performance.now();
    const res = await fetch(`${base}/api/events?limit=100&type=github.push`, { headers: bearer(ADMIN_TOKEN) });
    timings.http = Math.round(performance.now() - started);
    const page = (await res.json()) as EventPage;
    expect(page.events).toHaveLength(100);
    expect(page.events.every((e) => e.type === 'github.push')).toBe(true);
    const older = (await (
      await fetch(`${base}/api/events?limit=100&type=github.push&cursor=${page.next}`, { headers: bearer(ADMIN_TOKEN) })
    ).json()) as EventPage;
    expect(older.events[0]!.seq).toBeLessThan(page.events.at(-1)!.seq);
    expect(timings.http).toBeLessThan(1_000);
  });
});
