import type { Job } from '../actions/action.ts';
import {
  BulkRetryStoppedError,
  DeadLetterBusyError,
  DeadLetterNotFoundError,
  retryAllDeadLetters,
  retryDeadLetters,
  type RetriedDeadLetter,
  type RetryBus,
} from '../actions/runtime/dead-letters.ts';
import type { BusDeadLetters, BusStreams, DeadLetter } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { paramsView } from './event-view.ts';

export interface DeadLetterView {
  id: string;
  action: string;
  eventId?: string;
  eventType?: string;
  rule?: string;
  reason: string;
  time: string;
  attempts: number;
  lastStatus?: number;
}

export interface DeadLetterPage {
  total: number;
  letters: DeadLetterView[];
  next?: string;
}

/** Newest first, `limit` per page, from the bus's keyset cursor; `total` is a count, not a read. */
export async function listDeadLetterPage(
  bus: BusDeadLetters,
  options: { since?: Date; limit?: number; cursor?: string } = {},
): Promise<DeadLetterPage> {
  const limit = Math.min(Math.max(1, options.limit ?? 100), 500);
  const { since, cursor } = options;
  const [total, page] = await Promise.all([
    bus.countDeadLetters(),
    bus.deadLetterPage({ ...(since ? { since } : {}), ...(cursor ? { cursor } : {}), limit }),
  ]);
  return { total, letters: page.letters.map(viewOf), ...(page.next ? { next: page.next } : {}) };
}

export function viewOf(letter: DeadLetter): DeadLetterView {
  const job = (letter.payload ?? {}) as Partial<Job>;
  const last = letter.attempts[letter.attempts.length - 1] as { status?: unknown } | undefined;
  return {
    id: letter.id,
    action: letter.subject,
    ...(typeof job.eventId === 'string' ? { eventId: job.eventId } : {}),
    ...(typeof job.eventType === 'string' ? { eventType: job.eventType } : {}),
    ...(typeof job.rule === 'string' ? { rule: job.rule } : {}),
    reason: letter.reason,
    time: letter.time,
    attempts: letter.attempts.length,
    ...(typeof last?.status === 'number' ? { lastStatus: last.status } : {}),
  };
}

/**
 * A dead letter whole (`hookhub dlq list --json`), its job's params masked as the event page masks them
 * (paramsView, with its event's chat credentials and the `hidden` values); the job in the store, which a
 * retry sends, keeps them.
 */
export async function deadLetterWithMaskedJob(
  bus: Pick<BusStreams, 'get'>,
  letter: DeadLetter,
  hidden: ReadonlySet<string>,
): Promise<DeadLetter> {
  const job = letter.payload as Partial<Job> | undefined;
  if (job?.params === undefined) return letter;
  const event = typeof job.eventId === 'string' ? (await bus.get<HubEvent>('events', job.eventId))?.payload : undefined;
  return { ...letter, payload: { ...job, params: paramsView(job.params, event, job.action, hidden) } };
}

export interface BulkRetryResult {
  retried: RetriedDeadLetter[];
  /** Ids that were not (or no longer) in the dead-letter store. */
  missing: string[];
  /** Ids held by another retry or replay at that moment: still dead letters, unless that one retried them. */
  busy: string[];
}

/** Retries the given dead letters, or all of them (optionally since a time); the same code as `hookhub dlq retry`. */
export async function retryDeadLetterSelection(
  bus: RetryBus,
  selection: { ids: readonly string[] } | { all: true; since?: Date },
  now: () => Date,
  by = 'api',
): Promise<BulkRetryResult> {
  if ('all' in selection) {
    const { retried, busy } = await retryAllDeadLetters(bus, selection.since, now, by);
    return { retried, missing: [], busy };
  }
  const result: BulkRetryResult = { retried: [], missing: [], busy: [] };
  for (const id of new Set(selection.ids)) {
    try {
      result.retried.push(...(await retryDeadLetters(bus, { id }, now, by)));
    } catch (error) {
      if (error instanceof DeadLetterBusyError) result.busy.push(id);
      else if (error instanceof DeadLetterNotFoundError) result.missing.push(id);
      else throw new BulkRetryStoppedError(result, id, error);
    }
  }
  return result;
}
