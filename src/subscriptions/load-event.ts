import type { BusStreams } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';

/**
 * The event a job was made from. The delivery runtime does not pass it to actions (jobs carry
 * rendered params), so actions that read the payload fetch it from the bus's events stream.
 */
export async function loadJobEvent(
  bus: Pick<BusStreams, 'get'>,
  given: HubEvent | undefined,
  eventId: string,
): Promise<HubEvent | undefined> {
  return given ?? (await bus.get<HubEvent>('events', eventId))?.payload;
}
