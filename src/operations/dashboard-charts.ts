import { stackedBarChartSvg, type ChartColumn, type ChartSeries } from '../actions/report/stacked-chart-svg.ts';
import type { ChannelLatency } from './channel-latency.ts';
import type { EventActivity } from './delivery-activity.ts';

/** Colour-blind-safe palette (Okabe-Ito) for connectors, in order. */
const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'];
const OUTCOMES: ChartSeries[] = [
  { key: 'delivered', label: 'delivered', color: '#2e7d32' },
  { key: 'retrying', label: 'retrying', color: '#ef6c00' },
  { key: 'deadLettered', label: 'dead-lettered', color: '#c62828' },
];

const clock = (iso: string) => iso.slice(11, 16);

/** Events per minute over the hour, stacked by connector. */
export function eventsChartSvg(activity: EventActivity): string {
  const series = activity.connectors.map((name, i) => ({ key: name, label: name, color: PALETTE[i % PALETTE.length] ?? '#888' }));
  const columns: ChartColumn[] = activity.buckets.map((b) => ({ label: clock(b.start), title: `${clock(b.start)} UTC`, values: b.events }));
  const total = activity.buckets.reduce((sum, b) => sum + Object.values(b.events).reduce((a, n) => a + n, 0), 0);
  return stackedBarChartSvg(columns, series, {
    id: 'chart-events',
    title: 'Events per minute, last hour, by connector',
    desc: `${total} events in the last hour from ${activity.connectors.length} connector(s): ${activity.connectors.join(', ') || 'none'}. The table below lists each minute.`,
  });
}

/** Delivery outcomes per minute over the hour: successful attempts, retries, dead letters. */
export function outcomesChartSvg(activity: EventActivity): string {
  const columns: ChartColumn[] = activity.buckets.map((b) => ({
    label: clock(b.start),
    title: `${clock(b.start)} UTC`,
    values: b.outcomes,
  }));
  const sum = (key: keyof EventActivity['buckets'][number]['outcomes']) => activity.buckets.reduce((n, b) => n + b.outcomes[key], 0);
  return stackedBarChartSvg(columns, OUTCOMES, {
    id: 'chart-outcomes',
    title: 'Delivery outcomes per minute, last hour',
    desc: `${sum('delivered')} delivered, ${sum('retrying')} retrying, ${sum('deadLettered')} dead-lettered in the last hour.`,
  });
}

/** Hourly p50 latency with the p99 on top (the bar's full height is the p99). */
export function latencyChartSvg(channel: ChannelLatency): string {
  const columns: ChartColumn[] = channel.hours.map((h) => ({
    label: `${clock(h.start).slice(0, 2)}h`,
    title: `${clock(h.start)} UTC (${h.attempts} attempts)`,
    values: { p50: h.p50Ms ?? 0, p99: Math.max(0, (h.p99Ms ?? 0) - (h.p50Ms ?? 0)) },
  }));
  const series: ChartSeries[] = [
    { key: 'p50', label: 'p50 latency', color: '#0072b2' },
    { key: 'p99', label: 'p99 (above p50)', color: '#56b4e9' },
  ];
  return stackedBarChartSvg(columns, series, {
    id: `chart-latency-${channel.name}`,
    title: `${channel.name}: delivery latency per hour, last 24 h`,
    desc: summaryText(channel),
    unit: ' ms',
    width: 420,
    height: 150,
  });
}

/** Hourly error rate in percent. */
export function errorRateChartSvg(channel: ChannelLatency): string {
  const columns: ChartColumn[] = channel.hours.map((h) => ({
    label: `${clock(h.start).slice(0, 2)}h`,
    title: `${clock(h.start)} UTC (${h.failures} of ${h.attempts} attempts failed)`,
    values: { errors: Math.round(h.errorRate * 1000) / 10 },
  }));
  return stackedBarChartSvg(columns, [{ key: 'errors', label: 'error rate', color: '#c62828' }], {
    id: `chart-errors-${channel.name}`,
    title: `${channel.name}: error rate per hour, last 24 h`,
    desc: `${channel.failures} of ${channel.attempts} attempts failed in the last 24 hours.`,
    unit: '%',
    width: 420,
    height: 150,
  });
}

export function summaryText(channel: ChannelLatency): string {
  if (channel.attempts === 0) return 'No delivery attempts in the last 24 hours.';
  const pct = (channel.errorRate * 100).toFixed(1);
  return `${channel.attempts} attempts in the last 24 hours: p50 ${channel.p50Ms ?? 0} ms, p99 ${channel.p99Ms ?? 0} ms, error rate ${pct}%.`;
}
