import type { BusStreams, StoredMessage } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { findHeadSeq, firstSeqSince, readWindowBefore } from './stream-head.ts';

export interface RecentEventsRequest {
  /** At most this many of the newest events. */
  last: number;
  /** Only events stored at or after this time. */
  since?: Date;
}

/**
 * The newest stored events, newest first, read in bounded seq windows (the backtest's way), so the
 * work is bounded by `last` however much history the bus holds.
 */
export async function* recentEvents(
  bus: Pick<BusStreams, 'query' | 'lastSeq'>,
  request: RecentEventsRequest,
): AsyncGenerator<StoredMessage<HubEvent>> {
  const floor = request.since ? ((await firstSeqSince(bus, 'events', request.since)) ?? Number.MAX_SAFE_INTEGER) - 1 : 0;
  let before = (await findHeadSeq(bus)) + 1;
  let left = request.last;
  while (before > floor + 1 && left > 0) {
    const scan = await readWindowBefore<HubEvent>(bus, 'events', before, Math.min(2000, left * 2), floor);
    for (const message of scan.messages.slice(0, left)) {
      left -= 1;
      yield message;
    }
    before = scan.nextBefore;
  }
}
