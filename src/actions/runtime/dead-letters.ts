import type { BusDeadLetters, BusHistory, BusKv, BusStreams, DeadLetter } from '../../bus/event-bus.ts';
import { RecordKind } from './attempt-history.ts';
import { REPUBLISH_CLAIM_LEASE_MS, withRepublishClaim } from './republish-claim.ts';

/** The roles retrying needs: the dead letters, the history records, the jobs stream and kv (for the claim). */
export type RetryBus = BusDeadLetters & BusHistory & Pick<BusStreams, 'publish'> & BusKv;

export type DeadLetterSelection = { id: string } | { all: true; since?: Date };

export interface RetriedDeadLetter {
  id: string;
  subject: string;
}

/**
 * Republishes dead letters to the `jobs` stream with `{ replay: true }`, keeping the job id (the
 * idempotency key). Each gets a `replay` record first, which starts a fresh cycle of attempts; a job
 * that in fact succeeded earlier is acknowledged without being sent again. The dead letter is removed
 * only after the job is durably republished, and only that letter: a worker may already have
 * dead-lettered the republished job again. Of concurrent retries (or event replays) of one letter, in
 * one process or several, one republishes it; the others leave it alone, and a single-id retry throws
 * DeadLetterBusyError (the letter exists: it is not a DeadLetterNotFoundError).
 */
export async function retryDeadLetters(
  bus: RetryBus,
  selection: DeadLetterSelection,
  now: () => Date = () => new Date(),
  by = 'api',
): Promise<RetriedDeadLetter[]> {
  if ('id' in selection) {
    const letter = await bus.getDeadLetter(selection.id);
    if (letter === undefined) throw new DeadLetterNotFoundError(selection.id);
    const retried = await retryOne(bus, letter, now, by);
    if (retried === undefined) throw new DeadLetterBusyError(selection.id);
    return [retried];
  }
  return (await retryAllDeadLetters(bus, selection.since, now, by)).retried;
}

export interface RetryAllResult {
  retried: RetriedDeadLetter[];
  /** Letters another retry or replay held (or had just retried): left as they were, not retried here. */
  busy: string[];
}

/**
 * Every dead letter (since a time), oldest first, in pages of 100: each retried letter leaves the store,
 * so the first page is read again, made longer by the busy ones that stay in it (100 of them must not
 * hide the rest). Letters dead-lettered after the start (a retried job that fails at once) wait for the
 * next retry.
 */
export async function retryAllDeadLetters(bus: RetryBus, since: Date | undefined, now: () => Date, by = 'api'): Promise<RetryAllResult> {
  const startMs = now().getTime();
  const result: RetryAllResult = { retried: [], busy: [] };
  const done = new Set<string>();
  for (;;) {
    const page = await bus.deadLetters({ ...(since ? { since } : {}), limit: 100 + result.busy.length });
    const due = page.filter((letter) => !done.has(letter.id) && Date.parse(letter.time) <= startMs);
    if (due.length === 0) return result;
    for (const letter of due) {
      done.add(letter.id);
      const one = await retryOne(bus, letter, now, by).catch((error: unknown) => {
        throw new BulkRetryStoppedError(result, letter.id, error);
      });
      if (one !== undefined) result.retried.push(one);
      else result.busy.push(letter.id);
    }
  }
}

/**
 * Republishes one letter under the job's republish claim; undefined when another retry or replay has
 * it, or has already republished it. A failed publish leaves the letter where it was.
 */
async function retryOne(bus: RetryBus, letter: DeadLetter, now: () => Date, by: string): Promise<RetriedDeadLetter | undefined> {
  return withRepublishClaim(bus, letter.id, now(), async () => {
    // Read again under the claim: the holder before us may have republished this letter and taken it.
    if ((await bus.getDeadLetter(letter.id))?.time !== letter.time) return undefined;
    await bus.record({ ref: letter.id, kind: RecordKind.replay, time: now().toISOString(), data: { reason: letter.reason, by } });
    await bus.publish('jobs', { id: letter.id, subject: letter.subject, payload: letter.payload }, { replay: true });
    await bus.takeDeadLetter(letter.id, letter.time);
    return { id: letter.id, subject: letter.subject };
  });
}

/** Every dead letter since a time (oldest first): for `hookhub dlq list`, which asks for all of them. */
export async function listAll(bus: BusDeadLetters, since?: Date): Promise<DeadLetter[]> {
  return bus.deadLetters({ ...(since ? { since } : {}), limit: 1_000_000 });
}

export class DeadLetterNotFoundError extends Error {
  override name = 'DeadLetterNotFoundError';
  constructor(readonly id: string) {
    super(`no dead letter with id "${id}"`);
  }
}

/**
 * Another retry or replay holds the letter's republish claim (or held it and was killed: the claim lapses
 * after REPUBLISH_CLAIM_LEASE_MS): it is not retried twice. Not "not found": the letter may well be there.
 */
export class DeadLetterBusyError extends Error {
  override name = 'DeadLetterBusyError';
  constructor(readonly id: string) {
    super(
      `dead letter "${id}" is held by another retry or replay (or by one that stopped halfway, for up to ` +
        `${REPUBLISH_CLAIM_LEASE_MS / 1000} s): try again in a minute, or list the dead letters (hookhub dlq list, GET /api/dlq) ` +
        'to see whether it was retried meanwhile',
    );
  }
}

/**
 * A retry of many letters that an error stopped (the bus failed mid-way): `done` is what it retried before,
 * so that the caller can say so instead of answering as if none were. The rest are still dead letters.
 */
export class BulkRetryStoppedError extends Error {
  override name = 'BulkRetryStoppedError';
  constructor(
    readonly done: RetryAllResult & { missing?: string[] },
    readonly stoppedAt: string,
    override readonly cause: unknown,
  ) {
    super(
      `retrying stopped at dead letter "${stoppedAt}", after ${done.retried.length} retried: ` +
        `${cause instanceof Error ? cause.message : String(cause)}. That one and the rest are still dead letters: ` +
        'run the retry again once the bus answers',
    );
  }
}
