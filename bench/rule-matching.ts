/**
 * Rule matching throughput: events/s matched against 1, 100 and 10,000 rules through the type
 * index, next to the same rules scanned linearly (every glob tested, then from/when), in the
 * same run. Standalone: `npx tsx bench/rule-matching.ts` prints a small table.
 */
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { Action } from '../src/actions/action.ts';
import { createHubEvent, type HubEvent } from '../src/events/hub-event.ts';
import { matchTypeGlob } from '../src/events/type-glob.ts';
import { compileRuleSources } from '../src/rules/compile-rule-sources.ts';
import type { Rule, RuleSet } from '../src/rules/rule.ts';

export interface RuleMatchingResult {
  rules: number;
  indexedPerSec: number;
  linearPerSec: number;
  /** indexed / linear */
  speedup: number;
  /** Average rules matched per event (the same for both, checked). */
  matchesPerEvent: number;
}

const PROVIDERS = Array.from({ length: 20 }, (_, i) => `p${i}`);
const EVENTS = Array.from({ length: 25 }, (_, i) => `e${i}`);
const ACTIONS = ['opened', 'closed', 'created', 'deleted'];

/** A deterministic pseudo-random sequence, so every run measures the same rules and events. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** Rules like real ones: mostly exact types, some `provider.event.*` and `provider.**`, each with a when. */
export function generateRules(count: number, seed = 1): string {
  const next = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  const lines = ['rules:'];
  for (let i = 0; i < count; i++) {
    const r = next();
    const on =
      r < 0.6
        ? `${pick(PROVIDERS)}.${pick(EVENTS)}.${pick(ACTIONS)}`
        : r < 0.9
          ? `${pick(PROVIDERS)}.${pick(EVENTS)}.*`
          : `${pick(PROVIDERS)}.**`;
    lines.push(
      `  - name: rule-${i}`,
      `    on: ${on}`,
      `    when: { data.repo: { $in: [r${i % 7}, r${(i + 3) % 7}] } }`,
      `    do: [{ bench: { text: "{{title}}" } }]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function generateEvents(count: number, seed = 2): HubEvent[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  return Array.from({ length: count }, (_, i) =>
    createHubEvent({
      id: `e${i}`,
      type: `${pick(PROVIDERS)}.${pick(EVENTS)}.${pick(ACTIONS)}`,
      connector: 'bench',
      title: 't',
      data: { repo: `r${i % 7}` },
    }),
  );
}

const benchAction: Action = {
  type: 'bench',
  paramsSchema: z.object({ text: z.string() }),
  destination: () => 'bench',
  execute: () => Promise.resolve({}),
};

export function loadBenchRules(count: number): RuleSet {
  const result = compileRuleSources([{ file: 'bench.yaml', text: generateRules(count) }], {
    registry: { bench: benchAction },
    channels: [],
    connectors: ['bench'],
  });
  if (!result.ok) throw new Error(`bench rules did not compile: ${result.diagnostics[0]?.message}`);
  return result.ruleSet;
}

/** The reference: the same per-rule checks, with every rule's globs tested for every event. */
export function matchLinear(rules: readonly Rule[], event: HubEvent): Rule[] {
  return rules.filter((rule) => rule.on.some((glob) => matchTypeGlob(glob, event.type)) && rule.check(event).ok);
}

function throughput(events: readonly HubEvent[], match: (event: HubEvent) => Rule[], minMs: number): { perSec: number; matches: number } {
  let done = 0;
  let matches = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (const event of events) matches += match(event).length;
    done += events.length;
    elapsed = performance.now() - started;
  }
  return { perSec: (done / elapsed) * 1000, matches: matches / done };
}

/** Measures each rule-set size, indexed and linear, for at least `minMs` each. */
export function measureRuleMatching(options: { sizes?: readonly number[]; minMs?: number } = {}): RuleMatchingResult[] {
  const { sizes = [1, 100, 10_000], minMs = 1_000 } = options;
  const events = generateEvents(2_000);
  return sizes.map((size) => {
    const ruleSet = loadBenchRules(size);
    for (const event of events.slice(0, 200)) {
      const a = ruleSet
        .match(event)
        .map((r) => r.name)
        .join();
      const b = matchLinear(ruleSet.rules, event)
        .map((r) => r.name)
        .join();
      if (a !== b) throw new Error(`index and linear scan disagree on ${event.type}: ${a} vs ${b}`);
    }
    const indexed = throughput(events, (e) => ruleSet.match(e), minMs);
    const linear = throughput(events, (e) => matchLinear(ruleSet.rules, e), minMs);
    return {
      rules: size,
      indexedPerSec: indexed.perSec,
      linearPerSec: linear.perSec,
      speedup: indexed.perSec / linear.perSec,
      matchesPerEvent: indexed.matches,
    };
  });
}

export function formatRuleMatching(results: readonly RuleMatchingResult[]): string {
  const int = (n: number) => Math.round(n).toLocaleString('en-US');
  const rows = results.map(
    (r) =>
      `| ${int(r.rules)} | ${int(r.indexedPerSec)} | ${int(r.linearPerSec)} | ${r.speedup.toFixed(1)}× | ${r.matchesPerEvent.toFixed(2)} |`,
  );
  return ['| rules | indexed events/s | linear scan events/s | speedup | matches/event |', '|---:|---:|---:|---:|---:|', ...rows].join(
    '\n',
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${formatRuleMatching(measureRuleMatching())}\n`);
}
