import { formatDuration } from './durations.ts';
import type { Filters, Subscription } from '../subscription.ts';
import { targetKey } from '../targets.ts';

/** `acme/api: issues, pulls · +label:bug -author:dependabot[bot]` — how list and replies show a subscription. */
export function describeSubscription(sub: Pick<Subscription, 'target' | 'features' | 'filters' | 'noise'>): string {
  const features =
    sub.features.length > 0
      ? sub.features.map((f) => (f.arg !== undefined ? `${f.name}:${f.arg}` : f.name)).join(', ')
      : 'default features';
  const filters = describeFilters(sub.filters);
  const noise = [
    sub.noise?.group ? `group:${formatDuration(Number(sub.noise.group.wait ?? 30_000))}` : '',
    sub.noise?.throttle ? `throttle:${sub.noise.throttle.max}/${formatDuration(Number(sub.noise.throttle.per))}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return `${targetKey(sub.target)}: ${features}${filters ? ` · ${filters}` : ''}${noise ? ` · ${noise}` : ''}`;
}

/** The filters as they would be typed. */
export function describeFilters(f: Filters): string {
  const quote = (v: string) => (/\s/.test(v) ? `"${v}"` : v);
  return [
    ...f.labelsAll.map((group) => `+label:${group.map(quote).join(',')}`),
    ...f.labelsNone.map((l) => `-label:${quote(l)}`),
    ...f.authorsIn.map((a) => `+author:${a}`),
    ...f.authorsOut.map((a) => `-author:${a}`),
    ...f.branches.map((b) => `branch:${b}`),
    ...(f.amount ? [`${f.amount.op}${f.amount.value}${f.amount.currency ? ` ${f.amount.currency}` : ''}`] : []),
  ].join(' ');
}
