/**
 * The embedded bus keeps each event's head apart from its payload: heads come to a data file made before
 * them, leave with their messages, and are read without the payloads.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createEmbeddedBus, type EmbeddedBus } from '../../../../src/bus/embedded/embedded-bus.ts';
import { createHubEvent } from '../../../../src/events/hub-event.ts';

const HOUR = 3_600_000;
let dir = '';
let path = '';
let clock = Date.parse('2026-03-01T00:00:00Z');
const open: EmbeddedBus[] = [];

async function openBus(retentionMs = 24 * HOUR): Promise<EmbeddedBus> {
  const bus = await createEmbeddedBus({ path, now: () => new Date(clock), retentionMs });
  open.push(bus);
  return bus;
}

async function publish(bus: EmbeddedBus, id: string, type: string, connector: string): Promise<void> {
  clock += 1_000;
  const event = createHubEvent({ id, type, connector, title: `title of ${id}`, data: { big: 'x'.repeat(1_000) } }, new Date(clock));
  await bus.publish('events', { id, subject: type, payload: event });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookhub-heads-unit-'));
  path = join(dir, 'hookhub.db');
  clock = Date.parse('2026-03-01T00:00:00Z');
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((bus) => bus.close()));
  await rm(dir, { recursive: true, force: true });
});

it('gives the events of a data file made before heads their heads when it opens', async () => {
  const bus = await openBus();
  await publish(bus, 'a', 'github.push', 'github');
  await publish(bus, 'b', 'stripe.charge.succeeded', 'stripe');
  await bus.publish('jobs', { id: 'a:r:0', subject: 'notify', payload: {} });
  await bus.close();
  // The file as version 4 left it: no head table.
  const legacy = new Database(path);
  legacy.exec('DROP TRIGGER event_heads_gone; DROP TABLE event_heads;');
  legacy.pragma('user_version = 4');
  legacy.close();

  const reopened = await openBus();
  const { heads } = await reopened.eventHeads({});
  expect(heads.map((h) => [h.id, h.type, h.connector, h.title])).toEqual([
    ['b', 'stripe.charge.succeeded', 'stripe', 'title of b'],
    ['a', 'github.push', 'github', 'title of a'],
  ]);
  expect(heads[1]?.received).toBe((await reopened.get('events', 'a'))?.time);
  expect((await reopened.eventHeads({ connector: 'stripe' })).heads.map((h) => h.id)).toEqual(['b']);
});

it('reads heads without the payloads: unreadable payloads change nothing', async () => {
  const bus = await openBus();
  for (let i = 0; i < 20; i++) await publish(bus, `e${i}`, i % 5 ? 'github.push' : 'github.release.published', 'github');
  const before = await bus.eventHeads({ type: 'github.release.*' });
  const raw = new Database(path);
  raw.prepare("UPDATE messages SET payload = 'not json' WHERE stream = 'events'").run();
  raw.close();
  expect(await bus.eventHeads({ type: 'github.release.*' })).toEqual(before);
  expect(before.heads.map((h) => h.id)).toEqual(['e15', 'e10', 'e5', 'e0']);
});

it('lets a head go with its message when retention removes it', async () => {
  const bus = await openBus(HOUR);
  await publish(bus, 'old', 'github.push', 'github');
  clock += 2 * HOUR;
  await publish(bus, 'new', 'github.push', 'github');
  // No consumer has read the stream yet, so retention keeps it all: a router reads both.
  const router = bus.consume('events', 'router');
  for await (const delivery of router) {
    await delivery.ack();
    if (delivery.id === 'new') break;
  }
  await router.stop();
  await bus.prune();
  expect((await bus.eventHeads({})).heads.map((h) => h.id)).toEqual(['new']);
  const raw = new Database(path, { readonly: true });
  expect(raw.prepare('SELECT COUNT(*) FROM event_heads').pluck().get()).toBe(1);
  raw.close();
});
