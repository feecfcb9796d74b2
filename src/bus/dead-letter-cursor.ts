/** Keyset cursors for dead-letter pages (newest first): `<dead-letter time ms>:<id>`, opaque to callers. */
import { PayloadError } from '../errors.ts';
import type { DeadLetter } from './event-bus.ts';

export interface DeadLetterCursor {
  timeMs: number;
  id: string;
}

export function encodeDeadLetterCursor(letter: DeadLetter): string {
  return `${Date.parse(letter.time)}:${letter.id}`;
}

export function decodeDeadLetterCursor(cursor: string): DeadLetterCursor {
  const colon = cursor.indexOf(':');
  const timeMs = Number(cursor.slice(0, colon));
  if (colon < 1 || !Number.isSafeInteger(timeMs)) throw new PayloadError(`not a dead-letter cursor: ${cursor}`);
  return { timeMs, id: cursor.slice(colon + 1) };
}

/** Whether a letter comes after the cursor in newest-first order. */
export function isAfterCursor(letter: DeadLetter, cursor: DeadLetterCursor): boolean {
  const timeMs = Date.parse(letter.time);
  return timeMs < cursor.timeMs || (timeMs === cursor.timeMs && letter.id < cursor.id);
}
