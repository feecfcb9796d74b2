import type { Job } from '../actions/action.ts';
import { updateKv, type KvBucket } from '../bus/kv.ts';
import type { HubEvent } from '../events/hub-event.ts';

/**
 * Items kept per group: the first ones and, in the last place, always the newest (a digest stays
 * readable). Those in between are counted but not listed.
 */
export const MAX_GROUP_ITEMS = 50;

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
}

export interface HoldRequest {
  scope: string;
  key: string;
  job: Job;
  event: HubEvent | undefined;
  waitMs: number;
  intervalMs: number;
  /** Do not flush before this (ms): the start of the next active hours. */
  notBefore?: number;
}

export function groupKvKey(scope: string, key: string): string {
  return `${scope}|${key}`;
}

/**
 * Adds an event to its group (idempotent per event id) and returns when the group is due.
 * A new group flushes after `wait`; a group that flushed recently, `interval` after that flush.
 */
export async function holdInGroup(kv: KvBucket, request: HoldRequest, now: number): Promise<number> {
  const item = toItem(request.job, request.event);
  const next = await updateKv<GroupState>(kv, groupKvKey(request.scope, request.key), (current) => {
    const state: GroupState = current ?? {
      scope: request.scope,
      key: request.key,
      items: [],
      pending: 0,
      intervalMs: request.intervalMs,
      seq: 0,
    };
    if (state.items.some((i) => i.eventId === item.eventId)) return undefined;
    let flushAt = state.flushAt;
    if (state.pending === 0) {
      const recent = state.lastFlushAt !== undefined && state.lastFlushAt + request.intervalMs > now;
      flushAt = recent ? (state.lastFlushAt ?? now) + request.intervalMs : now + request.waitMs;
    }
    flushAt = Math.max(flushAt ?? now, request.notBefore ?? 0);
    // The newest event always has an item: events grouped while a digest is sent outlive its items, and
    // the next digest is built on the newest of them (a group left with no item could never be sent).
    const items = state.items.length < MAX_GROUP_ITEMS ? [...state.items, item] : [...state.items.slice(0, -1), item];
    return { ...state, items, pending: state.pending + 1, flushAt, intervalMs: request.intervalMs };
  });
  return next?.flushAt ?? now;
}

/** Marks the items of flush `seq` as sent; a no-op when another process already did. */
export async function markFlushed(kv: KvBucket, state: GroupState, now: number): Promise<void> {
  const sent = new Set(state.items.map((i) => i.eventId));
  await updateKv<GroupState>(kv, groupKvKey(state.scope, state.key), (current) => {
    if (!current || current.seq !== state.seq) return undefined;
    const unsent = current.items.filter((i) => !sent.has(i.eventId));
    const pending = Math.max(unsent.length, current.pending - state.pending);
    // Events still pending need an item to be sent with: when the only new one is a sent event delivered
    // again (it took the last place), that one is listed again rather than the group left unsendable.
    const items = unsent.length === 0 && pending > 0 ? current.items.slice(-1) : unsent;
    const rest: GroupState = { ...current, items, pending, lastFlushAt: now, seq: current.seq + 1 };
    if (pending > 0) rest.flushAt = now + current.intervalMs;
    else delete rest.flushAt;
    return rest;
  });
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
