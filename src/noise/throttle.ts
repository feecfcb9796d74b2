import { updateKv, type KvBucket } from '../bus/kv.ts';

export interface ThrottleWindow {
  start: number;
  /** When this window ends (ms): after it the entry may be swept. */
  until?: number;
  /** Event ids let through in this window (a redelivered event is let through again). */
  sent: string[];
  /** How many were held back in this window. */
  dropped: number;
}

/**
 * Fixed-window throttle shared through the bus kv: at most `max` events per key per `perMs`.
 * Returns true when the event may be sent. Idempotent per event id, so a redelivered job that
 * was let through is let through again rather than counted twice.
 */
export async function takeThrottle(
  kv: KvBucket,
  key: string,
  limit: { max: number; perMs: number },
  eventId: string,
  now: number,
): Promise<boolean> {
  let allowed = false;
  await updateKv<ThrottleWindow>(kv, key, (current) => {
    const window = current && now - current.start < limit.perMs ? current : { start: now, until: now + limit.perMs, sent: [], dropped: 0 };
    allowed = window.sent.includes(eventId) || window.sent.length < limit.max;
    if (window.sent.includes(eventId)) return window === current ? undefined : window;
    return allowed ? { ...window, sent: [...window.sent, eventId] } : { ...window, dropped: window.dropped + 1 };
  });
  return allowed;
}
