import type { HubEvent } from '../../events/hub-event.ts';
import { matchTypeGlob } from '../../events/type-glob.ts';
import { compileWhen } from '../../shared/when-filter.ts';
import { readPath } from '../../shared/when-filter.ts';
import { toText } from '../../rules/template-helpers.ts';
import { dayKey, daysBetween } from './calendar-days.ts';
import type { Metric } from './report-params.ts';

/** An event from history with the time the bus stored it (the report's clock). */
export interface HistoryEvent {
  time: Date;
  event: HubEvent;
}

export interface Bucket {
  key: string;
  count: number;
  /** Present when the metric has `sum:`. */
  sum?: number;
}

export interface MetricResult {
  count: number;
  sum?: number;
  groups: Bucket[];
  /** One entry per calendar day of the window, zeros included. */
  byDay: Bucket[];
}

export interface Aggregates {
  total: number;
  byType: Bucket[];
  byDay: Bucket[];
  metrics: Record<string, MetricResult>;
}

export interface AggregateInput {
  events: readonly HistoryEvent[];
  metrics: Readonly<Record<string, Metric>>;
  since: Date;
  until: Date;
  timeZone: string;
}

/** Counts, groupings and sums over a window's events. Pure: the same history gives the same numbers. */
export function aggregate(input: AggregateInput): Aggregates {
  const days = daysBetween(input.since, input.until, input.timeZone);
  const metrics: Record<string, MetricResult> = {};
  for (const [name, metric] of Object.entries(input.metrics)) metrics[name] = computeMetric(input.events, metric, days, input.timeZone);
  const all = computeMetric(input.events, { groupBy: 'type' }, days, input.timeZone);
  return { total: all.count, byType: all.groups, byDay: all.byDay, metrics };
}

function computeMetric(events: readonly HistoryEvent[], metric: Metric, days: string[], timeZone: string): MetricResult {
  const test = metric.when ? compileWhen(metric.when) : () => true;
  const selected = events.filter(({ event }) => (!metric.on || metric.on.some((g) => matchTypeGlob(g, event.type))) && test(event));
  const withSum = metric.sum !== undefined;
  const amount = (event: HubEvent): number => (metric.sum === undefined ? 0 : toNumber(readPath(event, metric.sum)));
  const groups = new Map<string, Bucket>();
  const perDay = new Map<string, Bucket>(days.map((day) => [day, bucket(day, withSum)]));
  let count = 0;
  let sum = 0;
  for (const { time, event } of selected) {
    const value = amount(event);
    count += 1;
    sum += value;
    add(perDay, dayKey(time, timeZone), value, withSum);
    if (metric.groupBy !== undefined) for (const key of groupKeys(readPath(event, metric.groupBy))) add(groups, key, value, withSum);
  }
  const sorted = [...groups.values()].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  return {
    count,
    ...(withSum ? { sum } : {}),
    groups: metric.top === undefined ? sorted : sorted.slice(0, metric.top),
    byDay: [...perDay.values()].sort((a, b) => a.key.localeCompare(b.key)),
  };
}

function bucket(key: string, withSum: boolean): Bucket {
  return withSum ? { key, count: 0, sum: 0 } : { key, count: 0 };
}

function add(map: Map<string, Bucket>, key: string, value: number, withSum: boolean) {
  const entry = map.get(key) ?? bucket(key, withSum);
  entry.count += 1;
  if (withSum) entry.sum = (entry.sum ?? 0) + value;
  map.set(key, entry);
}

/** A group key per distinct value: a list groups once per element; a missing value is "(none)". */
function groupKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.length === 0 ? ['(none)'] : [...new Set(value.map(keyOf))];
  return [keyOf(value)];
}

function keyOf(value: unknown): string {
  if (value === undefined || value === null || value === '') return '(none)';
  return toText(value);
}

function toNumber(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : 0;
}
