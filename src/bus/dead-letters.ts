export interface DeadLetter<T = unknown> {
  /** The job id (idempotency key). */
  id: string;
  subject: string;
  payload: T;
  reason: string;
  /** ISO 8601 time it was dead-lettered. */
  time: string;
  /** Attempt records at the time of death. */
  attempts: unknown[];
}

/** A page of dead letters, newest first; `next` is the cursor of the following page, if any. */
export interface DeadLetterPage {
  letters: DeadLetter[];
  next?: string;
}

/** The dead-letters role. They stay until taken (retry) or purged; nothing else removes one. */
export interface BusDeadLetters {
  deadLetter(entry: DeadLetter): Promise<void>;
  /** Oldest first, at most `limit` (default 100). */
  deadLetters(options?: { since?: Date; limit?: number }): Promise<DeadLetter[]>;
  /** One dead letter by job id. */
  getDeadLetter(id: string): Promise<DeadLetter | undefined>;
  /** Newest first, `limit` per page, from an opaque `cursor` (a previous page's `next`). */
  deadLetterPage(options: { since?: Date; cursor?: string; limit: number }): Promise<DeadLetterPage>;
  /**
   * Remove and return a dead letter (for retry). With `time`, only the letter dead-lettered at that time:
   * one the job got since (its retry already failed again) stays.
   */
  takeDeadLetter(id: string, time?: string): Promise<DeadLetter | undefined>;
  /** How many dead letters there are, without reading them (metrics, the dashboard's badge). */
  countDeadLetters(): Promise<number>;
  /** Deletes the dead letters dead-lettered before `before`; returns how many. Nothing else ever removes one. */
  purgeDeadLetters(before: Date): Promise<number>;
}
