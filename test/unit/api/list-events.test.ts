import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedBus } from '../../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';
import { listEvents, type EventPage } from '../../../src/operations/list-events.ts';
import { tempDir } from '../../helpers/hub-fixtures.ts';

const T0 = Date.parse('2026-01-31T12:00:00Z');
let clock = T0;
let bus: EventBus;
const ids = (page: EventPage) => page.events.map((e) => e.id);
const at = (minute: number) => new Date(T0 + minute * 60_000);

beforeAll(async () => {
  bus = await createEmbeddedBus({ path: join(tempDir(), 'hookhub.db'), now: () => new Date(clock) });
  // One event a minute for an hour; a job after every third, as a router would interleave them.
  for (let m = 0; m < 60; m++) {
    clock = T0 + m * 60_000;
    const event = createHubEvent({
      id: `e${m}`,
      type: m % 2 ? 'github.push' : 'stripe.charge.succeeded',
      connector: m % 2 ? 'github' : 'stripe',
      subject: `subject-${m}`,
      title: m === 42 ? 'The Answer' : undefined,
      data: {},
    });
    await bus.publish('events', { id: event.id, subject: event.type, payload: event });
    if (m % 3 === 0) await bus.publish('jobs', { id: `${event.id}:r:0`, subject: 'notify', payload: {} });
  }
});
afterAll(() => bus.close());

describe('listEvents', () => {
  it('applies a time range: since inclusive, until exclusive, on the time the hub stored each event', async () => {
    const page = await listEvents(bus, { filter: { since: at(10), until: at(15) } });
    expect(ids(page)).toEqual(['e14', 'e13', 'e12', 'e11', 'e10']);
    expect(page.next).toBeUndefined();
    expect(ids(await listEvents(bus, { filter: { since: at(60) } }))).toEqual([]);
    expect(ids(await listEvents(bus, { filter: { until: at(0) } }))).toEqual([]);
  });

  it('pages a time range by cursor without leaving it', async () => {
    const first = await listEvents(bus, { limit: 4, filter: { since: at(20), until: at(30), type: 'github.**' } });
    expect(ids(first)).toEqual(['e29', 'e27', 'e25', 'e23']);
    const second = await listEvents(bus, { limit: 4, cursor: first.next!, filter: { since: at(20), until: at(30), type: 'github.**' } });
    expect(ids(second)).toEqual(['e21']);
    expect(second.next).toBeUndefined();
  });

  it('matches text case-insensitively in subject, title, actor and id', async () => {
    expect(ids(await listEvents(bus, { filter: { q: 'the answer' } }))).toEqual(['e42']);
    expect(ids(await listEvents(bus, { filter: { q: 'SUBJECT-5', connector: 'github' } }))).toEqual([
      'e59',
      'e57',
      'e55',
      'e53',
      'e51',
      'e5',
    ]);
  });

  it('stops at its read budget with a cursor that carries on', async () => {
    const page = await listEvents(bus, { limit: 10, scanBudget: 20, filter: { q: 'subject-1' } });
    expect(ids(page)).toEqual([]);
    expect(page.scanned).toBe(20);
    expect(page.searchedTo).toBe(at(40).toISOString());
    expect(page.searchLimited).toBe(true);
    const second = await listEvents(bus, { limit: 10, scanBudget: 20, cursor: page.next!, filter: { q: 'subject-1' } });
    expect([ids(second), second.searchedTo, second.searchLimited]).toEqual([[], at(20).toISOString(), true]);
    const third = await listEvents(bus, { limit: 10, scanBudget: 20, cursor: second.next!, filter: { q: 'subject-1' } });
    // A full page did not stop at the limit, whatever it read.
    expect(ids(third)).toEqual(['e19', 'e18', 'e17', 'e16', 'e15', 'e14', 'e13', 'e12', 'e11', 'e10']);
    expect(third.searchLimited).toBeUndefined();
    const last = await listEvents(bus, { limit: 10, scanBudget: 20, cursor: third.next!, filter: { q: 'subject-1' } });
    expect(ids(last)).toEqual(['e1']);
    expect(last.next).toBeUndefined();
    expect(last.searchLimited).toBeUndefined();
  });

  it('filters by type, connector and time without reading a payload', async () => {
    // The bus as the list sees it, minus every read that returns payloads.
    const noPayloads = new Proxy(bus, {
      get(target, key) {
        if (key === 'query' || key === 'get') return () => Promise.reject(new Error(`${key} reads payloads`));
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const filter = { type: 'github.*', connector: 'github', since: at(30), until: at(40) };
    const page = await listEvents(noPayloads, { filter });
    expect(ids(page)).toEqual(['e39', 'e37', 'e35', 'e33', 'e31']);
    expect(page.events[0]).toMatchObject({ type: 'github.push', connector: 'github', subject: 'subject-39', status: 'pending' });
    expect(ids(await listEvents(noPayloads, { limit: 2, filter: { type: 'stripe.charge.succeeded' } }))).toEqual(['e58', 'e56']);
  });
});
