import { bareNumberRefusal, parseDuration } from '../shared/duration.ts';
import { isValidTypeGlob } from '../events/type-glob.ts';
import { EVENT_STATUSES, type EventStatus } from '../operations/event-status.ts';
import type { EventFilter } from '../operations/event-filter.ts';
import { META_CONNECTOR } from '../meta/meta-event.ts';
import { SCHEDULER_CONNECTOR } from '../scheduler/schedule-event.ts';
import { didYouMean } from '../shared/closest-match.ts';
import { ApiError } from './http-kit.ts';

/**
 * Every query parameter at most once: routes read the first (`since=2h&since=x` was 2h, the x unseen),
 * so a repeated one is refused as any other value the API cannot read. Values are not echoed.
 */
export function checkSingleValues(query: URLSearchParams): void {
  const seen = new Set<string>();
  for (const name of query.keys()) {
    if (seen.has(name)) {
      const times = query.getAll(name).length;
      throw new ApiError(400, `${name.slice(0, 40)}: given ${times} times; give each query parameter once`);
    }
    seen.add(name);
  }
}

/** `2h` (that long ago) or an ISO 8601 time. */
export function parseTime(name: string, value: string | null, now: () => Date): Date | undefined {
  if (value === null || value === '') return undefined;
  const bare = bareNumberRefusal(value);
  if (bare !== undefined) throw new ApiError(400, `${name}: ${bare}`);
  const ms = parseDuration(value);
  const date = ms !== undefined ? new Date(now().getTime() - ms) : new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new ApiError(
      400,
      ms !== undefined
        ? `${name}: "${value.slice(0, 40)}" reaches back further than a time can`
        : `${name}: "${value.slice(0, 40)}" is neither an ISO 8601 time nor a duration such as 2h`,
    );
  return date;
}

/** Decimal digits only: `Number()` also reads `0x10`, `1e2` and ` 5 `, which no client means as a count. */
const DIGITS = /^\d+$/;

export function parseLimit(value: string | null, max: number): number | undefined {
  if (value === null || value === '') return undefined;
  const n = Number(value);
  if (!DIGITS.test(value) || n < 1) throw new ApiError(400, 'limit must be a positive integer (decimal digits)');
  return Math.min(n, max);
}

/** `after`: the stream seq to resume after (what `Last-Event-ID` carries). */
export function parseSeq(name: string, value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  const n = Number(value);
  if (!DIGITS.test(value) || !Number.isSafeInteger(n))
    throw new ApiError(400, `${name}: "${value.slice(0, 40)}" is not a stream sequence number (the id: of a stream message)`);
  return n;
}

/** Event list / stream filters from the query string, validated. */
export function parseEventFilter(query: URLSearchParams, now: () => Date): EventFilter {
  const filter: EventFilter = {};
  const type = query.get('type');
  if (type) {
    if (!isValidTypeGlob(type))
      throw new ApiError(400, `type: "${type.slice(0, 80)}" is not a type glob (e.g. github.pull_request.* or stripe.**)`);
    filter.type = type;
  }
  const connector = query.get('connector');
  if (connector) filter.connector = connector;
  const since = parseTime('since', query.get('since'), now);
  if (since) filter.since = since;
  const until = parseTime('until', query.get('until'), now);
  if (until) filter.until = until;
  // Nothing can match: an empty page would read as "no such events" (since=1h&until=2h, the two swapped).
  if (since && until && until < since)
    throw new ApiError(400, `until (${until.toISOString()}) is before since (${since.toISOString()}): swap them`);
  const status = query.get('status');
  if (status) {
    if (!EVENT_STATUSES.includes(status as EventStatus)) throw new ApiError(400, `status must be one of ${EVENT_STATUSES.join(', ')}`);
    filter.status = status as EventStatus;
  }
  const q = query.get('q');
  if (q) filter.q = q.slice(0, 200);
  return filter;
}

/**
 * A live stream's `connector` must name one that can send events: a typo (`githb`) would otherwise
 * stream nothing, for ever, with no sign of why. The hub's own events carry `hookhub` and `scheduler`.
 */
export function checkStreamConnector(name: string | undefined, configured: readonly string[]): void {
  const hubOwn = [META_CONNECTOR, SCHEDULER_CONNECTOR];
  if (name === undefined || configured.includes(name) || hubOwn.includes(name)) return;
  const listed = configured.length > 0 ? `connectors in hookhub.yaml: ${configured.join(', ')}` : 'hookhub.yaml defines no connectors';
  const shown = name.slice(0, 64);
  throw new ApiError(
    400,
    `connector: unknown connector "${shown}"${didYouMean(shown, [...configured, ...hubOwn])}; ${listed} (${hubOwn.join(' and ')} for the hub's own events)`,
  );
}
