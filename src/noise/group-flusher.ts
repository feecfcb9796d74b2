import type { Logger } from 'pino';
import type { Job } from '../actions/action.ts';
import type { ConsumerProbe } from '../bus/consumer-health.ts';
import type { BusKv, BusStreams } from '../bus/event-bus.ts';
import type { KvBucket, KvEntry } from '../bus/kv.ts';
import { digestJob } from './digest.ts';
import { claimFlush, forgetSent, SENT_MEMORY_MS, type GroupState } from './groups.ts';
import { NOISE_BUCKETS } from './noise-gate.ts';
import { sweepExpired } from './sweep.ts';

/** Ended throttle windows and mutes are swept every this many ticks. */
const SWEEP_EVERY_TICKS = 60;

export interface GroupFlusherOptions {
  bus: BusKv & Pick<BusStreams, 'publish'>;
  now: () => Date;
  logger: Logger;
  /** How often due groups are looked for. Default 1 s. */
  tickMs?: number;
  /** More buckets whose entries carry `until` and are swept with the noise ones (chat threads). */
  sweepBuckets?: readonly string[];
  /** Failures and progress of the flush loop (counted in hookhub_consumer_errors_total). */
  probe?: ConsumerProbe;
}

export interface GroupFlusher {
  start(): void;
  stop(): Promise<void>;
  /** Sends every due group now; returns how many jobs were published. */
  flushDue(): Promise<number>;
  /**
   * Forgets ended throttle windows and mutes. A bucket that cannot be swept does not stop the others; the
   * sweep fails once all were tried.
   */
  sweep(): Promise<void>;
  /**
   * One pass of the loop `start()` runs: every SWEEP_EVERY_TICKS-th pass sweeps first, and a failed sweep is
   * counted (probe, or a warning) but never skips the flush. Rejects when the flush fails.
   */
  tick(): Promise<number>;
}

/**
 * Sends due groups: claims a group's events for one job (digest or the single held job) in the bus kv,
 * then publishes it. Every hub process runs one; a claim is a conditional write, so one process wins it,
 * and the claimed job stays in the group until it is published: a process that stops in between leaves
 * it for the next pass of any process, which publishes the same job (its id is fixed per group and
 * flush, so the bus keeps one).
 */
export function createGroupFlusher(options: GroupFlusherOptions): GroupFlusher {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let ticks = 0;
  const flushDue = () => flushDueGroups(options);
  const sweep = () => sweepBuckets(options);
  const tick = async () => {
    if (++ticks % SWEEP_EVERY_TICKS === 0) await sweep().catch((error: unknown) => reportFailure(options, error, 'sweep'));
    return flushDue();
  };
  return {
    start() {
      if (timer) return;
      timer = setInterval(() => {
        if (running) return;
        running = tick().then(
          (sent) => (options.probe?.progress(), sent),
          (error: unknown) => (reportFailure(options, error, 'flush'), 0),
        );
        void running.finally(() => (running = undefined));
      }, options.tickMs ?? 1_000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
    flushDue,
    sweep,
    tick,
  };
}

function reportFailure(options: GroupFlusherOptions, error: unknown, pass: 'sweep' | 'flush'): void {
  if (options.probe) options.probe.failure(error, { pass });
  else options.logger.warn({ err: error }, `noise: ${pass === 'sweep' ? 'sweep of ended windows and mutes' : 'group flush pass'} failed`);
}

async function sweepBuckets(options: GroupFlusherOptions): Promise<void> {
  const nowMs = options.now().getTime();
  const failed = new Map<string, unknown>();
  for (const bucket of [NOISE_BUCKETS.throttle, NOISE_BUCKETS.mutes, ...(options.sweepBuckets ?? [])])
    await sweepExpired(options.bus.kv(bucket), nowMs).catch((error: unknown) => failed.set(bucket, error));
  if (failed.size > 0)
    throw new AggregateError([...failed.values()], `noise: could not sweep ${[...failed.keys()].join(', ')}; will retry`);
}

/**
 * One pass: publishes every claimed or due group, forgets idle ones; returns how many jobs were published. A group that
 * cannot be sent does not stop the others, but fails the pass once all were tried, so the failure is counted.
 */
async function flushDueGroups(options: GroupFlusherOptions): Promise<number> {
  const kv = options.bus.kv(NOISE_BUCKETS.groups);
  const nowMs = options.now().getTime();
  const failed = new Map<string, unknown>();
  let published = 0;
  for (const entry of await kv.entries<GroupState>()) {
    const { key, value: state, revision } = entry;
    try {
      if (state.sending) {
        await publishClaimed(options, kv, key, state.sending);
        published++;
      } else if (state.pending > 0 && state.flushAt !== undefined && state.flushAt <= nowMs) {
        if (await flushGroup(options, kv, entry, nowMs)) published++;
      } else if (state.pending === 0 && (state.lastFlushAt ?? 0) + Math.max(state.intervalMs, SENT_MEMORY_MS) <= nowMs) {
        await kv.delete(key, { revision }).catch(() => undefined); // idle: forget it (unless it just got an event)
      }
    } catch (error) {
      failed.set(state.key, error);
    }
  }
  if (failed.size > 0)
    throw new AggregateError(
      [...failed.values()],
      `noise: could not flush ${failed.size} group(s) (${[...failed.keys()].slice(0, 5).join(', ')}); will retry`,
    );
  return published;
}

/** Claims a due group and publishes its job; false when there was nothing to send or another write came first. */
async function flushGroup(options: GroupFlusherOptions, kv: KvBucket, entry: KvEntry<GroupState>, nowMs: number): Promise<boolean> {
  const job = digestJob(entry.value, options.now());
  if (!job) {
    dropUnsendable(entry.value, options.logger);
    await claimFlush(kv, entry, undefined, nowMs);
    return false;
  }
  if (!(await claimFlush(kv, entry, job, nowMs))) return false;
  await publishClaimed(options, kv, entry.key, job);
  return true;
}

async function publishClaimed(options: GroupFlusherOptions, kv: KvBucket, key: string, job: Job): Promise<void> {
  await options.bus.publish('jobs', { id: job.id, subject: job.action, payload: job });
  await forgetSent(kv, key, job.id);
}

/** A group stored before the newest event always kept an item can hold events with no job to send them with. */
function dropUnsendable(state: GroupState, logger: Logger): void {
  logger.warn(
    { group: `${state.scope}|${state.key}`, pending: state.pending },
    'noise: a group holds events it has no job to send with; dropping them',
  );
}
