import type { WriteTiming } from './bus-message.ts';

/** A small note attached to a message id: rule outcomes, delivery attempts. */
export interface HistoryRecord {
  /** The event or job id it belongs to. */
  ref: string;
  kind: string;
  time: string;
  data: Record<string, unknown>;
}

/** History records of some kinds stored in [since, until), counted by time bucket, kind and `data.outcome`. */
export interface RecordCountQuery {
  since: Date;
  until: Date;
  bucketMs: number;
  kinds: readonly string[];
}

export interface RecordCount {
  /** Start of the bucket (epoch ms), as in EventCount. */
  start: number;
  kind: string;
  /** The record's `data.outcome` when it is a string (an attempt's `success`, `retry`, …). */
  outcome?: string;
  count: number;
}

/** History records of some kinds stored in [since, until), at most `limit` of the newest. */
export interface RecordRangeQuery {
  since: Date;
  until: Date;
  kinds: readonly string[];
  limit: number;
}

export interface RecordRange {
  /** Oldest first. */
  records: HistoryRecord[];
  /** Set when more than `limit` matched: the oldest were left out. */
  truncated: boolean;
}

/**
 * The history-records role: small notes attached to message ids. Retention deletes them by age, but
 * never those of a job that is unfinished or has a dead letter: workers read them back.
 */
export interface BusHistory {
  /** Append a history record (rule outcome, attempt) for a message id. */
  record(entry: HistoryRecord, timing?: WriteTiming): Promise<void>;
  records(ref: string): Promise<HistoryRecord[]>;
  /** How many records per bucket, kind and outcome, for charts: one SQL aggregate on the embedded bus. */
  countRecords(query: RecordCountQuery): Promise<RecordCount[]>;
  /** The records of a time range (by when they were stored), reading no message payload. */
  recordRange(query: RecordRangeQuery): Promise<RecordRange>;
}
