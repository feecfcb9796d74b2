import type { BusStreams, StoredMessage, StreamName } from '../../bus/event-bus.ts';
import type { HubEvent } from '../../events/hub-event.ts';
import { matchTypeGlob } from '../../events/type-glob.ts';
import { compileWhen } from '../../shared/when-filter.ts';
import { PermanentError } from '../../errors.ts';
import type { HistoryEvent } from './aggregate.ts';

export type HistoryReader = Pick<BusStreams, 'query' | 'get'>;

const PAGE = 1_000;

export interface CollectInput {
  since: Date;
  until: Date;
  /** Type globs; default every type except the hub's own `hookhub.*`. */
  on?: readonly string[];
  when?: Readonly<Record<string, unknown>>;
  maxEvents: number;
}

/** Reads the window's events page by page (oldest first) and keeps those matching `on` and `when`. */
export async function collectHistory(history: HistoryReader, input: CollectInput): Promise<HistoryEvent[]> {
  const globs = input.on ?? ['**'];
  const test = input.when ? compileWhen(input.when) : () => true;
  // One glob can be pushed down to the bus; several are filtered here.
  const subject = globs.length === 1 ? globs[0] : undefined;
  const out: HistoryEvent[] = [];
  let read = 0;
  for await (const message of readWindow<HubEvent>(history, 'events', input.since, input.until, subject)) {
    if (++read > input.maxEvents) {
      throw new PermanentError(`report window holds more than maxEvents (${input.maxEvents}) events; narrow on:/window or raise maxEvents`);
    }
    const event = message.payload;
    if (!event || typeof event.type !== 'string') continue;
    if (input.on === undefined && event.type.startsWith('hookhub.')) continue;
    if (!globs.some((g) => matchTypeGlob(g, event.type)) || !test(event)) continue;
    out.push({ time: new Date(message.time), event });
  }
  return out;
}

/** A stream's messages in [since, until), oldest first, read page by page. */
export async function* readWindow<T>(
  history: HistoryReader,
  stream: StreamName,
  since: Date,
  until: Date,
  subject?: string,
): AsyncGenerator<StoredMessage<T>> {
  let afterSeq: number | undefined;
  for (;;) {
    const page = await history.query<T>({
      stream,
      since,
      until,
      ...(subject ? { subject } : {}),
      ...(afterSeq === undefined ? {} : { afterSeq }),
      limit: PAGE,
    });
    yield* page;
    const last = page[page.length - 1];
    if (page.length < PAGE || last === undefined) return;
    afterSeq = last.seq;
  }
}

/** The tick before `until` of a scheduled rule (for `window: last-run`), from its schedule events. */
export async function previousTick(history: HistoryReader, rule: string, until: Date): Promise<Date | undefined> {
  let latest: Date | undefined;
  for await (const message of readWindow<HubEvent>(history, 'events', new Date(0), until, `hookhub.schedule.${rule}`)) {
    const tick = (message.payload?.data as { tick?: unknown } | undefined)?.tick;
    const time = typeof tick === 'string' ? new Date(tick) : new Date(message.time);
    if (time < until && (!latest || time > latest)) latest = time;
  }
  return latest;
}
