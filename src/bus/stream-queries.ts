/** Reads over the stored messages: history queries, event heads and event counts. */
import type { StreamName } from './bus-message.ts';

export interface HistoryQuery {
  stream: StreamName;
  /** Inclusive lower bound (ISO 8601 or Date). */
  since?: Date;
  /** Exclusive upper bound. */
  until?: Date;
  /** Subject glob: `*` matches one segment, `**` the rest. */
  subject?: string;
  /** Return messages with seq greater than this (cursor). */
  afterSeq?: number;
  /** Return messages with seq lower than this: a window below a seq reads nothing above it. */
  beforeSeq?: number;
  /** Default 100. */
  limit?: number;
}

/**
 * What history keeps of an event beside its payload: enough to filter, list and count events. Both buses
 * take it from the payload as it is published (src/bus/event-head.ts); the embedded bus stores it apart,
 * so reading heads never reads a payload.
 */
export interface EventHead {
  seq: number;
  id: string;
  /** The event type (the message subject). */
  type: string;
  /** When the bus stored it (ISO 8601). */
  received: string;
  /** The connector instance (HubEvent.connector); empty when the payload names none. */
  connector: string;
  /** The event's own subject, title, actor, url and time, each cut at EVENT_HEAD_TEXT_LIMIT characters. */
  subject?: string;
  title?: string;
  actor?: string;
  url?: string;
  time?: string;
}

/** Events newest first, by indexed attributes only. */
export interface EventHeadQuery {
  /** Stored at or after (inclusive). */
  since?: Date;
  /** Stored before (exclusive). */
  until?: Date;
  /** Type glob: `*` matches one segment, `**` the rest. */
  type?: string;
  /** The connector instance. */
  connector?: string;
  /** Only events with a lower seq: a previous page's `next`. */
  beforeSeq?: number;
  /** At most this many heads. Default 100. */
  limit?: number;
  /**
   * How far one call looks back, in seqs below `beforeSeq` (events and jobs share the embedded bus's
   * seqs): the bound on its work however rare the filters. Default 10,000.
   */
  span?: number;
}

export interface EventHeadPage {
  /** Newest first. */
  heads: EventHead[];
  /**
   * Where the next call goes on from (its `beforeSeq`): set while older events may remain. A page shorter
   * than `limit` with `next` set stopped at its span.
   */
  next?: number;
}

/** Events stored in [since, until), counted by time bucket, type and connector. */
export interface EventCountQuery {
  since: Date;
  until: Date;
  bucketMs: number;
}

export interface EventCount {
  /** Start of the bucket (epoch ms): `since` plus a whole number of `bucketMs`. */
  start: number;
  type: string;
  /** As in EventHead. */
  connector: string;
  count: number;
}
