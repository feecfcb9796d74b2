import { createTask, type ScheduledTask } from 'node-cron';
import type { ConsumerProbe } from '../bus/consumer-health.ts';
import type { Logger } from 'pino';
import type { BusStreams } from '../bus/event-bus.ts';
import type { Rule, RuleSet } from '../rules/rule.ts';
import { lastTickBefore } from './missed-ticks.ts';
import { tickPublisher } from './tick-publisher.ts';
import { skippedTick } from './dst-gap.ts';
import { processTimeZone } from '../shared/zone-offset.ts';

/** The outcome of one tick in this process. */
export interface FireResult {
  rule: string;
  tick: string;
  eventId: string;
  /** Another hub process (or an earlier attempt) already published this tick. */
  duplicate: boolean;
}

export interface SchedulerOptions {
  bus: Pick<BusStreams, 'publish'>;
  /** Failures of schedule ticks (counted in hookhub_consumer_errors_total), logged once per streak. */
  probe?: ConsumerProbe;
  /** The current rules; read on every sync, so hot reloads add, change and remove schedules. */
  getRuleSet: () => RuleSet;
  logger: Logger;
  /** How often the schedules are compared with the rule set. Default 5 s. Call sync() to apply at once. */
  syncIntervalMs?: number;
  /** Publish attempts per tick when the bus is down (1 s apart). Default 5. */
  publishAttempts?: number;
  /** Called after every tick (metrics, tests). */
  onFire?: (result: FireResult) => void;
  /**
   * On start, a tick missed within this long (the hubs were down or restarting) is fired late,
   * once; so is a tick the running timer reached late. Harmless when another hub did fire it: same event id,
   * so the bus drops it. Default 10 min; 0 turns it off.
   */
  catchUpMs?: number;
  /** Clock for catch-up. Default: the system clock (the timers always use it). */
  now?: () => Date;
}

export interface Scheduler {
  /** Schedules every enabled `schedule:` rule and keeps them in step with the rule set. */
  start(): void;
  /** Compares the running schedules with the rule set now. */
  sync(): void;
  /** Publishes the event for one tick (what a cron tick does; also for tests with a fixed clock). */
  fire(rule: Pick<Rule, 'name' | 'schedule'>, tick: Date): Promise<FireResult>;
  /** Names of the rules currently scheduled. */
  scheduled(): string[];
  stop(): Promise<void>;
}

interface Entry {
  key: string;
  task: ScheduledTask;
  /** The same cron read in UTC: matches wall-clock times, for the ones a daylight-saving jump skips. */
  wallClock: ScheduledTask;
  rule: Rule;
}

/**
 * The scheduler: node-cron timers (timezone-aware) that publish `hookhub.schedule.<rule>` events
 * into the normal path. Every hub process runs one; exactly one event per tick survives, because
 * all of them publish the same event id (`schedule:<rule>:<tick>`) and the bus deduplicates.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { logger } = options;
  const entries = new Map<string, Entry>();
  const inFlight = new Set<Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const fire = tickPublisher(options, () => stopped);

  const track = (rule: Rule, tick: Date) => {
    const task = fire(rule, tick).then(
      () => options.probe?.progress(),
      (error: unknown) => {
        options.probe?.failure(error, { rule: rule.name, tick: tick.toISOString() });
        logger.error({ err: error, rule: rule.name }, 'schedule tick could not be published; skipped');
      },
    );
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  };

  const now = options.now ?? (() => new Date());
  const catchUpMs = options.catchUpMs ?? 600_000;
  // node-cron skips a slot its timer reached more than a second late (a busy event loop, a paused VM);
  // fire it late instead, like a tick missed while no hub ran. Same event id, so never twice.
  const late = (rule: Rule, tick: Date) => {
    if (stopped || now().getTime() - tick.getTime() > catchUpMs) return;
    logger.warn({ rule: rule.name, tick: tick.toISOString() }, 'schedule tick reached late; firing it now');
    track(rule, tick);
  };

  let checkedAt: Date | undefined;
  const sync = () => {
    if (stopped) return;
    syncTasks(entries, options.getRuleSet(), { track, late }, logger);
    const at = now();
    for (const { wallClock, rule } of checkedAt ? entries.values() : []) {
      const tick = skippedTick(wallClock, rule.schedule?.timezone ?? processTimeZone(), checkedAt ?? at, at);
      if (!tick) continue;
      logger.info({ rule: rule.name, tick: tick.toISOString() }, 'the clocks skipped this schedule time; firing it as the hour ends');
      track(rule, tick);
    }
    checkedAt = at;
  };

  return {
    start() {
      if (timer || stopped) return;
      sync();
      for (const entry of entries.values())
        for (const missed of missedTicks(entry, now(), catchUpMs)) {
          logger.info({ rule: entry.rule.name, tick: missed.toISOString() }, 'firing a tick missed while no hub was running');
          track(entry.rule, missed);
        }
      timer = setInterval(sync, options.syncIntervalMs ?? 5_000);
      timer.unref();
    },
    sync,
    fire,
    scheduled: () => [...entries.keys()],
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      for (const entry of entries.values()) await disarm(entry);
      entries.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
}

type TickHandler = (rule: Rule, tick: Date) => void;

/**
 * The ticks within the catch-up window that no running timer fired: the last one the cron matches, and a
 * time the clocks skipped while no hub ran across the jump (fired, as a running hub does, at the jump).
 */
function missedTicks({ task, wallClock, rule }: Entry, at: Date, catchUpMs: number): Date[] {
  if (catchUpMs <= 0) return [];
  const zone = rule.schedule?.timezone ?? processTimeZone();
  const last = lastTickBefore(task, rule.schedule?.timezone, at, catchUpMs);
  const skipped = skippedTick(wallClock, zone, new Date(at.getTime() - catchUpMs), at);
  const ticks = last ? [last] : [];
  if (skipped && skipped.getTime() !== last?.getTime()) ticks.push(skipped);
  return ticks;
}

/** Arms new and changed schedules, disarms removed, disabled and changed ones. */
function syncTasks(entries: Map<string, Entry>, ruleSet: RuleSet, on: { track: TickHandler; late: TickHandler }, logger: Logger): void {
  const wanted = new Map(ruleSet.scheduled.filter((r) => r.enabled && r.schedule).map((r) => [r.name, r]));
  for (const [name, entry] of entries) {
    const rule = wanted.get(name);
    if (rule && keyOf(rule) === entry.key) {
      entry.rule = rule;
      continue;
    }
    void disarm(entry);
    entries.delete(name);
  }
  for (const [name, rule] of wanted) {
    if (entries.has(name) || !rule.schedule) continue;
    const { cron, timezone } = rule.schedule;
    const task = createTask(cron, (context) => on.track(rule, context.date), {
      name: `hookhub:${name}`,
      ...(timezone ? { timezone } : {}),
    });
    task.on('execution:missed', (context) => on.late(rule, context.date));
    void task.start();
    const wallClock = createTask(cron, () => undefined, { name: `hookhub:${name}:wall-clock`, timezone: 'UTC' });
    entries.set(name, { key: keyOf(rule), task, wallClock, rule });
    logger.info({ rule: name, cron, timezone, next: task.getNextRun()?.toISOString() }, 'schedule armed');
  }
}

function keyOf(rule: Rule): string {
  return `${rule.schedule?.cron ?? ''}|${rule.schedule?.timezone ?? ''}`;
}

async function disarm(entry: Entry): Promise<void> {
  await entry.task.destroy();
  await entry.wallClock.destroy();
}
