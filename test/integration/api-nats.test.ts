/** The operator API on the NATS backend: the same list/detail/replay/stream paths, over JetStream. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { eventually } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { ADMIN_TOKEN, bearer, prPayload, startApiHub, type ApiHub } from './api-harness.ts';
import type { DeadLetterPage } from '../../src/operations/dead-letter-ops.ts';
import type { JobView } from '../../src/operations/event-status.ts';
import type { EventPage } from '../../src/operations/list-events.ts';

const natsServer = useNatsServer();
let bus: EventBus;
let hub: ApiHub;
let up = false;

type Answer = EventPage & Partial<DeadLetterPage> & { jobs: JobView[] };
/** The API's JSON for the routes this test reads (event pages, an event's jobs, the dead letters). */
const get = async (path: string) => (await (await fetch(`${hub.base}${path}`, { headers: bearer(ADMIN_TOKEN) })).json()) as Answer;

beforeAll(async () => {
  bus = await createNatsBus({ url: natsServer().url, prefix: `api${process.pid}` });
  hub = await startApiHub({ bus });
  hub.sink.reply = () => (up ? { status: 200 } : { status: 400 });
});
afterAll(async () => {
  await hub?.stop();
  await bus?.close();
});

describe('operator API on NATS JetStream', () => {
  it('lists newest first with cursors, shows the failed attempt, replays to delivered', async () => {
    for (let i = 1; i <= 12; i++) expect((await hub.sendGithub('pull_request', prPayload(i), `nats-${i}`)).status).toBe(202);
    await eventually(async () => (await get('/api/events?status=failed&limit=20')).events.length === 12, 20_000, 'all twelve failed');
    const first = await get('/api/events?limit=5');
    expect(first.events.map((e) => e.id)).toEqual(['nats-12', 'nats-11', 'nats-10', 'nats-9', 'nats-8']);
    const second = await get(`/api/events?limit=5&cursor=${first.next ?? ''}`);
    expect(second.events.map((e) => e.id)).toEqual(['nats-7', 'nats-6', 'nats-5', 'nats-4', 'nats-3']);
    expect((await get('/api/events?q=acme/api%232')).events.map((e) => e.id)).toEqual(['nats-2']);

    const detail = await get('/api/events/nats-3');
    expect(detail.jobs[0]?.attempts[0]).toMatchObject({ outcome: 'failed', status: 400 });
    expect((await get('/api/dlq')).total).toBe(12);

    up = true;
    const bulk = await fetch(`${hub.base}/api/dlq/retry`, {
      method: 'POST',
      headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json' },
      body: JSON.stringify({ all: true }),
    });
    expect(((await bulk.json()) as { retried: unknown[] }).retried).toHaveLength(12);
    await eventually(async () => (await get('/api/events?status=delivered&limit=20')).events.length === 12, 20_000, 'all delivered');
    expect((await get('/api/dlq')).total).toBe(0);
    expect(hub.sink.delivered()).toHaveLength(12);
  });

  it('answers 400 to a dead-letter cursor it did not hand out', async () => {
    const res = await fetch(`${hub.base}/api/dlq?cursor=abc`, { headers: bearer(ADMIN_TOKEN) });
    expect(res.status).toBe(400);
  });
});
