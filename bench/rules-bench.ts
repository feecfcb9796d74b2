/**
 * Row 2: rule matching, measured by bench/rule-matching.ts (owned by the rules engine): the type
 * index against a linear scan of the same rules, in this process (CPU only, no I/O). This file only
 * turns its measurements into table rows.
 */
import { measureRuleMatching } from './rule-matching.ts';
import type { Row } from './table.ts';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

export function benchRules(): Row[] {
  return measureRuleMatching({ sizes: [1, 100, 10_000], minMs: 1_000 }).map((r) => ({
    benchmark: `2 rule matching, ${int(r.rules)} rule${r.rules === 1 ? '' : 's'} (${r.matchesPerEvent.toFixed(2)} matches/event)`,
    hookhub: `${int(r.indexedPerSec)} events/s (type index)`,
    reference: `${int(r.linearPerSec)} events/s — linear scan of the same rules`,
    ratio: `${r.speedup.toFixed(2)}× throughput`,
    verdict: r.speedup >= 0.9 ? 'index no slower' : 'index slower than a scan',
  }));
}
