import type { Metrics } from '../observability/metrics.ts';
import { describeFailure, type FailureReason } from './consumer-failure.ts';
import type { FailingLoop, Stall } from './consumer-health.ts';
import type { Watched } from './consumer-probe.ts';
import type { PendingWork } from './event-bus.ts';

export interface StallContext {
  now: () => number;
  /** Pending work and no progress for this long is a stall; a loop failing (two passes in a row at least) this long is failing. */
  stallAfterMs: number;
  metrics?: Metrics | undefined;
  waitingOn?: (() => FailureReason | undefined) | undefined;
}

/** Reads a watched consumer's pending work, updates its gauges, and tells whether it is stalled. */
export async function checkStall(consumer: string, state: Watched, ctx: StallContext): Promise<Stall | undefined> {
  const at = ctx.now();
  // Loops without a queue (retention, the scheduler, refreshes) show here when they stop passing.
  if (state.pending || state.reported) ctx.metrics?.consumerSinceProgress.set({ consumer }, (at - state.lastProgress) / 1000);
  if (!state.pending) return undefined;
  let work: PendingWork;
  try {
    work = await state.pending();
    delete state.unreadSince;
    state.lastPending = work.count;
  } catch (error) {
    // One failed read (a leader election outlasting the request) says nothing yet: it is a stall only once
    // the work has gone unread, and the consumer without progress, for stallAfter.
    state.unreadSince ??= at;
    const idleMs = at - Math.max(state.lastProgress, state.unreadSince);
    // A stall found before the read failed stands while there is still no progress.
    if (idleMs < ctx.stallAfterMs) return at - state.lastProgress >= ctx.stallAfterMs ? state.stalled : undefined;
    return {
      consumer,
      reason: state.waitingFor ? `waiting for ${state.waitingFor}` : `cannot read its pending work: ${(error as Error).message}`,
      idleSeconds: Math.round(Math.max(0, at - state.lastProgress) / 1000),
      pending: state.lastPending ?? 0,
    };
  }
  const idleMs = work.count > 0 ? at - Math.max(state.lastProgress, pendingSince(state, work, at)) : (markEmpty(state, at), 0);
  ctx.metrics?.consumerPending.set({ consumer }, work.count);
  ctx.metrics?.consumerOldestPending.set({ consumer }, work.oldestMs === undefined ? 0 : Math.max(0, at - work.oldestMs) / 1000);
  if (work.count === 0 || idleMs < ctx.stallAfterMs) return undefined;
  return {
    consumer,
    reason: state.waitingFor ? `waiting for ${state.waitingFor}` : describeStall(state.lastReason ?? ctx.waitingOn?.()),
    idleSeconds: Math.round(idleMs / 1000),
    pending: work.count,
  };
}

/**
 * A loop without a queue cannot stall, but one whose passes have failed for a while is failing: two in a row
 * at least, the first of them stallAfter ago. Time alone would name a once-a-minute loop after one failed
 * pass (its last success is already a minute old); a count alone would name a fast loop after a blip.
 */
export function failingLoop(loop: string, state: Watched, ctx: StallContext): FailingLoop | undefined {
  const at = ctx.now();
  if (state.pending || state.streak < 2 || at - (state.failingSince ?? at) < ctx.stallAfterMs) return undefined;
  const sinceMs = at - state.lastProgress;
  const reason = state.lastReason && state.lastReason !== 'message' ? describeFailure(state.lastReason) : 'its passes fail';
  return { loop, reason, failingSeconds: Math.round(sinceMs / 1000), failures: state.streak };
}

/**
 * Since when the consumer has had this work, on the hub's clock. NATS stamps messages with the server's clock: one
 * ahead of the hub's made the work look newer than it is (a stall hidden for as long as the skew), one behind made
 * it look older (a stall named as soon as work came). The work's own time is trusted only within what the hub saw:
 * not after this check, and not before the last check that found no work.
 */
function pendingSince(state: Watched, work: PendingWork, at: number): number {
  state.pendingSince ??= Math.min(Math.max(work.oldestMs ?? at, state.emptyAt ?? -Infinity), at);
  return state.pendingSince;
}

function markEmpty(state: Watched, at: number): void {
  delete state.pendingSince;
  state.emptyAt = at;
}

function describeStall(reason: FailureReason | undefined): string {
  return reason ? describeFailure(reason) : 'no progress';
}
