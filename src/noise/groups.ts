import type { Job } from '../actions/action.ts';
import { KvConflictError, updateKv, type KvBucket, type KvEntry } from '../bus/kv.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { hashKey } from '../bus/nats/nats-names.ts';
import { nextActiveStart } from './active-hours.ts';
import type { ActiveHours } from './noise-spec.ts';

/**
 * Items kept per group: the first ones and, in the last place, always the newest (a digest stays
 * readable). Those in between are counted but not listed.
 */
export const MAX_GROUP_ITEMS = 50;

/**
 * Events a group remembers having sent, so that one routed again (its hub stopped before the ack, or a job
 * redelivered after the ack wait) is not sent a second time. The group is kept at least SENT_MEMORY_MS
 * after its last flush for that.
 */
export const MAX_SENT_IDS = 200;
export const SENT_MEMORY_MS = 10 * 60_000;

/** One held event: enough to list it in a digest, plus its job to send it alone. */
export interface GroupItem {
  eventId: string;
  type: string;
  time: string;
  title?: string;
  url?: string;
  actor?: string;
  subject?: string;
  job: Job;
}

/** A group in the bus kv bucket `noise-groups`: its pending items and when they are due. */
export interface GroupState {
  scope: string;
  key: string;
  items: GroupItem[];
  /** Pending events, including those past MAX_GROUP_ITEMS. */
  pending: number;
  /** When the pending items are sent (ms since epoch); absent when nothing is pending. */
  flushAt?: number;
  lastFlushAt?: number;
  intervalMs: number;
  /** Flush counter: part of the digest job id, so processes racing on one flush publish one job. */
  seq: number;
  /**
   * When the group was made (ms), also part of the digest job id: an idle group is forgotten, and the next
   * one for its key counts flushes from 0 again. Absent on groups stored by earlier versions.
   */
  createdAt?: number;
  /** The job of the last flush, until it is known to be published (see claimFlush). */
  sending?: Job;
  /** Ids of the events the last flushes listed, newest last (at most MAX_SENT_IDS). */
  sent?: string[];
}

export interface HoldRequest {
  scope: string;
  key: string;
  job: Job;
  event: HubEvent | undefined;
  waitMs: number;
  intervalMs: number;
  /** Hours to send in (`outside: hold`): a group that comes due outside them waits for their next start. */
  activeHours?: ActiveHours;
}

/** Longer keys are cut and end in a hash: NATS carries a KV key in the subject of every request. */
const MAX_KV_KEY_CHARS = 200;

/**
 * The kv key of a group or a throttle window. Keys come from event values (`group.by`, default the subject),
 * and one from free text (a commit message) can be kilobytes: a NATS request with it timed out.
 */
export function noiseKvKey(scope: string, key: string): string {
  const full = `${scope}|${key}`;
  if (full.length <= MAX_KV_KEY_CHARS) return full;
  return `${full.slice(0, MAX_KV_KEY_CHARS - 42)}…#${hashKey(full).slice(0, 40)}`;
}

/**
 * Adds an event to its group (idempotent per event id) and returns when the group is due.
 * A new group flushes after `wait`; a group that flushed recently, `interval` after that flush.
 */
export async function holdInGroup(kv: KvBucket, request: HoldRequest, now: number): Promise<number> {
  const item = toItem(request.job, request.event);
  const next = await updateKv<GroupState>(kv, noiseKvKey(request.scope, request.key), (current) => {
    const state: GroupState = current ?? {
      scope: request.scope,
      key: request.key,
      items: [],
      pending: 0,
      intervalMs: request.intervalMs,
      seq: 0,
      createdAt: now,
    };
    if (state.items.some((i) => i.eventId === item.eventId) || state.sent?.includes(item.eventId)) return undefined;
    let flushAt = state.flushAt;
    if (state.pending === 0) {
      const recent = state.lastFlushAt !== undefined && state.lastFlushAt + request.intervalMs > now;
      flushAt = recent ? (state.lastFlushAt ?? now) + request.intervalMs : now + request.waitMs;
    }
    flushAt = withinHours(flushAt ?? now, now, request.activeHours);
    // The newest event always has an item: events grouped while a digest is sent outlive its items, and
    // the next digest is built on the newest of them (a group left with no item could never be sent).
    const items = state.items.length < MAX_GROUP_ITEMS ? [...state.items, item] : [...state.items.slice(0, -1), item];
    return { ...state, items, pending: state.pending + 1, flushAt, intervalMs: request.intervalMs };
  });
  return next?.flushAt ?? now;
}

/**
 * Takes a due group's events out of it for `job`, in one write at the revision they were read: the job
 * (kept as `sending` until it is published) stands for exactly the events it takes, whichever process
 * publishes it and however often. Events grouped after the read wait for the next flush. False when
 * the group changed since it was read (a new event, another process's claim): it is tried again.
 */
export async function claimFlush(kv: KvBucket, entry: KvEntry<GroupState>, job: Job | undefined, now: number): Promise<boolean> {
  const { flushAt: _flushAt, sending: _sending, ...state } = entry.value;
  const sent = [...(state.sent ?? []), ...state.items.map((i) => i.eventId)].slice(-MAX_SENT_IDS);
  const claimed: GroupState = {
    ...state,
    items: [],
    pending: 0,
    lastFlushAt: now,
    seq: state.seq + 1,
    sent,
    ...(job ? { sending: job } : {}),
  };
  try {
    await kv.put(entry.key, claimed, { revision: entry.revision });
    return true;
  } catch (error) {
    if (error instanceof KvConflictError) return false;
    throw error;
  }
}

/** Forgets a claimed job once it is published (a no-op when a later flush replaced it). */
export async function forgetSent(kv: KvBucket, key: string, jobId: string): Promise<void> {
  await updateKv<GroupState>(kv, key, (current) => {
    if (current?.sending?.id !== jobId) return undefined;
    const { sending: _sending, ...rest } = current;
    return rest;
  });
}

/** The first moment from `flushAt` (or now, for a group already due) that is inside the hours. */
function withinHours(flushAt: number, now: number, hours: ActiveHours | undefined): number {
  if (!hours) return flushAt;
  const from = Math.max(flushAt, now);
  // nextActiveStart is to the minute: inside the hours it may be a few seconds before `from`.
  return Math.max(from, nextActiveStart(hours, new Date(from))?.getTime() ?? 0);
}

function toItem(job: Job, event: HubEvent | undefined): GroupItem {
  return {
    eventId: job.eventId,
    type: job.eventType,
    time: event?.time ?? job.createdAt,
    ...(event?.title ? { title: event.title } : {}),
    ...(event?.url ? { url: event.url } : {}),
    ...(event?.actor ? { actor: event.actor } : {}),
    ...(event?.subject ? { subject: event.subject } : {}),
    job,
  };
}
