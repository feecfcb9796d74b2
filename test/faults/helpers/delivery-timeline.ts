/** When a counting sink's deliveries happened, read around one moment (a fault injected at `at`). */
import type { SinkVisit } from './counting-sink.ts';

/**
 * The longest time without a 2xx at the sink from `from` (counted from `from` itself) to the last
 * success: what a user watching the destination sees as the hub's pause.
 */
export function longestPause(visits: readonly SinkVisit[], from: number): { pauseMs: number; startsAfterMs: number } {
  const times = visits
    .map((v) => v.succeededAt)
    .filter((t): t is number => t !== undefined && t >= from)
    .sort((a, b) => a - b);
  let previous = from;
  let longest = { pauseMs: 0, startsAfterMs: 0 };
  for (const t of times) {
    if (t - previous > longest.pauseMs) longest = { pauseMs: t - previous, startsAfterMs: previous - from };
    previous = t;
  }
  return longest;
}

/**
 * The jobs the hub had in hand at `at`, as the sink saw them: sent and not answered 2xx, or answered less
 * than `settleMs` before (the hub records and acks a job after its 2xx), and those waiting for a retry.
 */
export function jobsAt(
  visits: readonly SinkVisit[],
  at: number,
  settleMs: number,
): { awaitingAnswer: Set<string>; awaitingRetry: Set<string> } {
  const seen = new Map<string, SinkVisit[]>();
  for (const v of visits) if (v.receivedAt <= at) seen.set(v.key, [...(seen.get(v.key) ?? []), v]);
  const awaitingAnswer = new Set<string>();
  const awaitingRetry = new Set<string>();
  for (const [key, mine] of seen) {
    if (mine.some((v) => v.succeededAt !== undefined && v.succeededAt < at - settleMs)) continue;
    if (mine[mine.length - 1]!.failed) awaitingRetry.add(key);
    else awaitingAnswer.add(key);
  }
  return { awaitingAnswer, awaitingRetry };
}

/** Keys the sink received more often than `expected(key)` times, with their request times. */
export function extraRequests(visits: readonly SinkVisit[], expected: (key: string) => number): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  for (const v of visits) byKey.set(v.key, [...(byKey.get(v.key) ?? []), v.receivedAt]);
  return new Map([...byKey].filter(([key, times]) => times.length > expected(key)));
}
