import type { HistoryRecord } from '../../bus/event-bus.ts';

/** History record kinds the delivery runtime writes on a job id. */
export const RecordKind = { attempt: 'attempt', deadLetter: 'dead-letter', replay: 'replay' } as const;

export interface JobHistory {
  /** Attempt records since the last replay (the current cycle). */
  attempts: HistoryRecord[];
  /** Those of `attempts` a destination answered 429 (rate limited): they do not use up the retry policy's attempts. */
  rateLimited: HistoryRecord[];
  /** Every attempt record, across replays (a dead letter keeps the full history). */
  allAttempts: HistoryRecord[];
  /** Some attempt, in any cycle, succeeded: the job must never be sent again. */
  succeeded: boolean;
  /** The current cycle ended in the dead-letter store. */
  deadLettered: boolean;
  /** Why, when it did. */
  deadReason?: string;
  /** The current cycle was started by an operator's replay. */
  replayed: boolean;
}

/** Reads a job's records (oldest first): a `replay` starts a fresh cycle of attempts. */
export function summarizeHistory(records: readonly HistoryRecord[]): JobHistory {
  const history: JobHistory = { attempts: [], rateLimited: [], allAttempts: [], succeeded: false, deadLettered: false, replayed: false };
  for (const record of records) {
    if (record.kind === RecordKind.attempt) {
      history.attempts.push(record);
      history.allAttempts.push(record);
      if (record.data.rateLimited === true) history.rateLimited.push(record);
      if (record.data.outcome === 'success') history.succeeded = true;
    } else if (record.kind === RecordKind.deadLetter) {
      history.deadLettered = true;
      if (typeof record.data.reason === 'string') history.deadReason = record.data.reason;
    } else if (record.kind === RecordKind.replay) {
      history.attempts = [];
      history.rateLimited = [];
      history.deadLettered = false;
      delete history.deadReason;
      history.replayed = true;
    }
  }
  return history;
}

/** Attempt records as stored in a dead letter: `{ time, attempt, status, latencyMs, … }`. */
export function attemptsForDeadLetter(attempts: readonly HistoryRecord[]): Record<string, unknown>[] {
  return attempts.map((record) => ({ time: record.time, ...record.data }));
}
