import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddedBus } from '../../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import type { HubEvent } from '../../../src/events/hub-event.ts';
import type { RuleSet } from '../../../src/rules/rule.ts';
import { createScheduler, type FireResult } from '../../../src/scheduler/create-scheduler.ts';
import { createScheduleEvent, scheduleEventId, tickOf } from '../../../src/scheduler/schedule-event.ts';
import { ruleSetFrom, scheduledRule } from './rule-sets.ts';

const logger = pino({ level: 'silent' });
let dir: string;
let bus: EventBus;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookhub-sched-'));
  bus = await createEmbeddedBus({ path: join(dir, 'hub.db') });
});
afterEach(async () => {
  await bus.close();
  await rm(dir, { recursive: true, force: true });
});

describe('schedule events', () => {
  it('one id per rule and tick, independent of milliseconds', () => {
    expect(scheduleEventId('digest', new Date('2026-11-30T08:00:00.734Z'))).toBe('schedule:digest:2026-11-30T08:00:00.000Z');
  });

  it('is a CloudEvent of type hookhub.schedule.<rule> carrying the tick', () => {
    const event = createScheduleEvent({
      rule: 'digest',
      cron: '0 9 * * MON',
      timezone: 'Europe/Berlin',
      tick: new Date('2026-11-30T08:00:00Z'),
    });
    expect(event).toMatchObject({
      specversion: '1.0',
      id: 'schedule:digest:2026-11-30T08:00:00.000Z',
      type: 'hookhub.schedule.digest',
      source: '/hookhub/scheduler',
      subject: 'digest',
      time: '2026-11-30T08:00:00.000Z',
      data: { rule: 'digest', cron: '0 9 * * MON', timezone: 'Europe/Berlin', tick: '2026-11-30T08:00:00.000Z' },
    });
    expect(tickOf(event)?.tick).toBe('2026-11-30T08:00:00.000Z');
    expect(tickOf({ type: 'github.push', data: { tick: 'x', rule: 'y' } })).toBeUndefined();
  });
});

describe('scheduler', () => {
  it('fire() publishes once per tick; a second fire of the same tick is a duplicate (fixed clock)', async () => {
    const rules = ruleSetFrom(`rules:\n${scheduledRule('digest', '0 9 * * MON', '    timezone: Europe/Berlin\n')}`);
    const scheduler = createScheduler({ bus, getRuleSet: () => rules, logger });
    const rule = rules.scheduled[0]!;
    const tick = new Date('2026-11-30T08:00:00Z');
    expect(await scheduler.fire(rule, tick)).toEqual({
      rule: 'digest',
      tick: tick.toISOString(),
      eventId: `schedule:digest:${tick.toISOString()}`,
      duplicate: false,
    });
    expect((await scheduler.fire(rule, tick)).duplicate).toBe(true);
    const stored = await bus.query<HubEvent>({ stream: 'events', subject: 'hookhub.schedule.**' });
    expect(stored.map((m) => m.id)).toEqual([`schedule:digest:${tick.toISOString()}`]);
    expect(rules.match(stored[0]!.payload).map((r) => r.name)).toEqual(['digest']);
    await scheduler.stop();
  });

  it('follows the rule set: arms enabled schedules, re-arms changed ones, drops removed ones', async () => {
    let rules: RuleSet = ruleSetFrom(
      `rules:\n${scheduledRule('a', '0 9 * * *')}${scheduledRule('b', '0 10 * * *', '    enabled: false\n')}`,
    );
    const scheduler = createScheduler({ bus, getRuleSet: () => rules, logger, syncIntervalMs: 60_000 });
    scheduler.start();
    expect(scheduler.scheduled()).toEqual(['a']);
    rules = ruleSetFrom(`rules:\n${scheduledRule('b', '0 10 * * *')}`);
    scheduler.sync();
    expect(scheduler.scheduled()).toEqual(['b']);
    await scheduler.stop();
    expect(scheduler.scheduled()).toEqual([]);
  });

  it('fires on a real short cron with the slot time as the tick', async () => {
    const rules = ruleSetFrom(`rules:\n${scheduledRule('every-second', '* * * * * *', '    timezone: Asia/Kolkata\n')}`);
    const fired: FireResult[] = [];
    const scheduler = createScheduler({ bus, getRuleSet: () => rules, logger, onFire: (r) => fired.push(r) });
    scheduler.start();
    const deadline = Date.now() + 5_000;
    while (fired.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await scheduler.stop();
    expect(fired.length).toBeGreaterThanOrEqual(2);
    for (const f of fired) expect(f.tick).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(new Set(fired.map((f) => f.tick)).size).toBe(fired.length);
  });

  it('fires the ticks its timer reached late (a blocked event loop) instead of skipping them', async () => {
    const rules = ruleSetFrom(`rules:\n${scheduledRule('every-second', '* * * * * *')}`);
    const fired: FireResult[] = [];
    const blockOnce = (result: FireResult) => {
      fired.push(result);
      // The first timer tick holds the event loop for 3 s, as a long synchronous store write would.
      if (fired.length === 2) for (const until = Date.now() + 3_000; Date.now() < until;);
    };
    const scheduler = createScheduler({ bus, getRuleSet: () => rules, logger, onFire: blockOnce });
    scheduler.start();
    const deadline = Date.now() + 10_000;
    while (fired.length < 7 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await scheduler.stop();
    const seconds = fired.map((f) => Date.parse(f.tick) / 1000);
    seconds.sort((a, b) => a - b);
    expect(seconds).toEqual(seconds.map((_, i) => seconds[0]! + i));
    expect(seconds.length).toBeGreaterThanOrEqual(6);
    expect(fired.every((f) => !f.duplicate)).toBe(true);
  });

  it('retries a publish while the bus is briefly down, then gives up without throwing from the timer', async () => {
    let calls = 0;
    const flaky = { publish: async () => (++calls < 2 ? Promise.reject(new Error('bus down')) : { duplicate: false }) };
    const rules = ruleSetFrom(`rules:\n${scheduledRule('a', '0 9 * * *')}`);
    const scheduler = createScheduler({ bus: flaky, getRuleSet: () => rules, logger, publishAttempts: 3 });
    expect((await scheduler.fire(rules.scheduled[0]!, new Date('2026-11-30T09:00:00Z'))).duplicate).toBe(false);
    expect(calls).toBe(2);
    await scheduler.stop();
  });
});

describe('scheduler catch-up', () => {
  const rules = () => ruleSetFrom(`rules:\n${scheduledRule('daily', '0 9 * * *', '    timezone: Europe/Berlin\n')}`);

  /** A hub that starts at `at` and stops again: only its catch-up fires. */
  async function startAt(set: RuleSet, at: string, fired: FireResult[], catchUpMs?: number): Promise<void> {
    const scheduler = createScheduler({
      bus,
      getRuleSet: () => set,
      logger,
      onFire: (r) => fired.push(r),
      now: () => new Date(at),
      ...(catchUpMs === undefined ? {} : { catchUpMs }),
    });
    scheduler.start();
    await scheduler.stop();
  }

  it('fires a tick missed within the catch-up window once, on start', async () => {
    const fired: FireResult[] = [];
    const set = rules();
    await startAt(set, '2026-11-30T08:04:30Z', fired);
    expect(fired).toEqual([
      { rule: 'daily', tick: '2026-11-30T08:00:00.000Z', eventId: 'schedule:daily:2026-11-30T08:00:00.000Z', duplicate: false },
    ]);
    // A second hub starting a minute later finds it already fired.
    const again: FireResult[] = [];
    await startAt(set, '2026-11-30T08:05:30Z', again);
    expect(again.map((r) => r.duplicate)).toEqual([true]);
  });

  it('fires the tick of the very second the hub starts in, which the timer leaves out', async () => {
    const fired: FireResult[] = [];
    await startAt(rules(), '2026-11-30T08:00:00.300Z', fired);
    expect(fired.map((r) => r.tick)).toEqual(['2026-11-30T08:00:00.000Z']);
  });

  it('on the night the clocks go back, catches up only the occurrence of a repeated time that the timer fires', async () => {
    // 02:30 Berlin comes twice on 2026-10-25: 00:30Z (summer time) and 01:30Z; the timer fires the second.
    const set = ruleSetFrom(`rules:\n${scheduledRule('nightly', '30 2 * * *', '    timezone: Europe/Berlin\n')}`);
    const fired: FireResult[] = [];
    for (const at of ['2026-10-25T00:32:00Z', '2026-10-25T01:32:00Z']) await startAt(set, at, fired);
    expect(fired.map((r) => r.tick)).toEqual(['2026-10-25T01:30:00.000Z']);
  });

  it('fires a time the clocks skip (02:30 on the spring-forward night) once, as the skipped hour ends', async () => {
    const set = ruleSetFrom(
      `rules:\n${scheduledRule('nightly', '30 2 * * *', '    timezone: Europe/Berlin\n')}${scheduledRule('early', '30 4 * * *', '    timezone: Europe/Berlin\n')}`,
    );
    const fired: FireResult[] = [];
    let clock = new Date('2027-03-28T00:59:57Z'); // 01:59:57 winter time; at 01:00Z the clocks jump to 03:00
    const scheduler = createScheduler({
      bus,
      getRuleSet: () => set,
      logger,
      onFire: (r) => fired.push(r),
      now: () => clock,
      syncIntervalMs: 60_000,
    });
    scheduler.start();
    clock = new Date('2027-03-28T01:00:02Z');
    scheduler.sync();
    clock = new Date('2027-03-28T01:00:07Z');
    scheduler.sync();
    await scheduler.stop();
    expect(fired.map((r) => [r.rule, r.tick])).toEqual([['nightly', '2027-03-28T01:00:00.000Z']]);
  });

  it('fires a skipped time on start when no hub ran across the jump, once', async () => {
    const set = ruleSetFrom(`rules:\n${scheduledRule('nightly', '30 2 * * *', '    timezone: Europe/Berlin\n')}`);
    const fired: FireResult[] = [];
    await startAt(set, '2027-03-28T01:05:00Z', fired); // 03:05 summer time; 02:30 never came
    await startAt(set, '2027-03-28T01:06:00Z', fired);
    expect(fired.map((r) => [r.tick, r.duplicate])).toEqual([
      ['2027-03-28T01:00:00.000Z', false],
      ['2027-03-28T01:00:00.000Z', true],
    ]);
    const late: FireResult[] = [];
    await startAt(set, '2027-03-28T01:15:00Z', late); // past the 10 min catch-up window
    expect(late).toEqual([]);
  });

  it('leaves older ticks alone, and can be turned off', async () => {
    const fired: FireResult[] = [];
    const set = rules();
    await startAt(set, '2026-11-30T08:30:00Z', fired);
    await startAt(set, '2026-11-30T08:01:00Z', fired, 0);
    expect(fired).toEqual([]);
  });
});
