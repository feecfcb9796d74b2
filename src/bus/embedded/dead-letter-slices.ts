/**
 * A page of dead letters read a slice at a time from the keyset cursor, with the event loop let go between
 * slices: a dead letter holds its whole job (a webhook action's rendered body) and its attempts, and
 * SQLite runs on the hub's one thread, so one read of a 500-letter page would hold webhooks and /healthz
 * for as long as it takes.
 */
import type { DeadLetter, DeadLetterPage } from '../event-bus.ts';

/** Letters one slice reads at most. */
export const DEAD_LETTER_SLICE = 25;

export interface DeadLetterPageOptions {
  since?: Date;
  cursor?: string;
  limit: number;
}

/** The same letters and `next` as one read of `limit` (the cursor is keyset: a slice starts where the last one ended). */
export async function pageDeadLettersInSlices(
  options: DeadLetterPageOptions,
  readSlice: (slice: DeadLetterPageOptions) => DeadLetterPage,
): Promise<DeadLetterPage> {
  const letters: DeadLetter[] = [];
  let cursor = options.cursor;
  for (;;) {
    if (letters.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const limit = Math.min(DEAD_LETTER_SLICE, options.limit - letters.length);
    const slice = readSlice({ ...options, ...(cursor !== undefined ? { cursor } : {}), limit });
    letters.push(...slice.letters);
    if (slice.next === undefined || letters.length >= options.limit)
      return { letters, ...(slice.next !== undefined ? { next: slice.next } : {}) };
    cursor = slice.next;
  }
}
