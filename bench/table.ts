/** Formats benchmark results as one markdown table: hookhub | reference | ratio | goal. */
import type { E2eResult, E2eRun } from './e2e-bench.ts';
import type { IngestComparison, LoadResult } from './ingest-bench.ts';
import type { MemoryResult } from './memory-bench.ts';

export interface Row {
  benchmark: string;
  hookhub: string;
  reference: string;
  ratio: string;
  verdict: string;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => (Number.isFinite(n) ? (n < 10 ? n.toFixed(1) : int(n)) : 'n/a');
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const times = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}×` : 'n/a');

function load(r: LoadResult): string {
  const bad = r.non2xx + r.errors;
  return `${int(r.rps)}/s${rounds(r)}, p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms${bad > 0 ? `, ${int(bad)} failed` : ''}${cpu(r)}`;
}

/** Every round's throughput beside the median, so that a reader can tell a ratio from the machine's noise. */
function rounds(r: LoadResult): string {
  const all = r.roundsRps ?? [];
  return all.length < 2 ? '' : ` (rounds ${all.map(int).join(' / ')})`;
}

/** Where the time goes: a server short of a whole core per request was held back by the load generator. */
function cpu(r: LoadResult): string {
  if (r.cpuUsPerRequest === undefined || r.cores === undefined) return '';
  return `; ${int(r.cpuUsPerRequest)} µs CPU per request (${r.cores.toFixed(2)} cores)${inNatsServer(r.busCpuUsPerRequest)}`;
}

/** The nats-server's share of a request's CPU, on NATS rows. */
function inNatsServer(us: number | undefined): string {
  return us === undefined ? '' : ` (and ${int(us)} µs in nats-server)`;
}

/**
 * The most CPU per request hookhub could use at `goal` × the reference's rate: the machine's cores, less
 * what the load generator took per request (the less of its two rounds, hookhub's and the reference's, so
 * the budget errs in hookhub's favour) and, on NATS, what the nats-server took in hookhub's round. Above
 * it, no use of more threads or processes reaches the goal on this machine; only less work per request does.
 */
export function cpuBudgetUs(c: Pick<IngestComparison, 'cores' | 'hub'>, reference: LoadResult, goal: number): number | undefined {
  const load = loadUs(c.hub, reference);
  if (load === undefined || reference.rps <= 0) return undefined;
  return (c.cores * 1e6) / (goal * reference.rps) - load - (c.hub.busCpuUsPerRequest ?? 0);
}

function loadUs(hub: LoadResult, reference: LoadResult): number | undefined {
  const figures = [hub.loadCpuUsPerRequest, reference.loadCpuUsPerRequest].filter((us) => us !== undefined);
  return figures.length === 0 ? undefined : Math.min(...figures);
}

function budgetNote(c: IngestComparison, reference: LoadResult, goal: number): string {
  const budget = cpuBudgetUs(c, reference, goal);
  const used = c.hub.cpuUsPerRequest;
  if (budget === undefined || used === undefined) return '';
  const others = c.hub.busCpuUsPerRequest === undefined ? '' : ` and the nats-server's ${int(c.hub.busCpuUsPerRequest)}`;
  const room = budget >= used ? 'enough CPU: what holds it back is not the total' : 'too little CPU for hookhub as it is';
  return (
    ` (at ${goal}×, ${int(goal * reference.rps)}/s, ${c.cores} cores less the load's ${int(loadUs(c.hub, reference) ?? 0)} µs${others}` +
    ` leave at most ${int(Math.max(0, budget))} µs per request; hookhub used ${int(used)}: ${room})`
  );
}

export function ingestRows(comparisons: readonly IngestComparison[]): Row[] {
  return comparisons.flatMap((c) => [
    ...c.references.map((ref) => {
      const ratio = c.hub.rps / ref.result.rps;
      return {
        benchmark: `1 ingest → ${c.backend} (${c.payload}, 32 conns, unique deliveries)`,
        hookhub: load(c.hub),
        reference: `${load(ref.result)} — ${ref.label}`,
        ratio: `${times(ratio)} throughput`,
        verdict: ratio >= ref.goal ? `meets ≥${ref.goal}×` : `below ${ref.goal}×${budgetNote(c, ref.result, ref.goal)}`,
      };
    }),
    ...(c.diagnostics ?? []).map((d) => {
      const against = c.references.find((r) => r.label === d.against) ?? c.references[0]!;
      return {
        benchmark: `1 diagnostic → ${c.backend} (${c.payload}): ${d.label}`,
        hookhub: load(d.result),
        reference: `${load(against.result)} — ${against.label}`,
        ratio: `${times(d.result.rps / against.result.rps)} throughput`,
        verdict: d.hubAgainstIt
          ? `hookhub reaches ${times(c.hub.rps / d.result.rps)} of it`
          : d.baseline
            ? `${times(d.result.rps / d.baseline.result.rps)} ${d.baseline.label}`
            : `${times(d.result.rps / c.hub.rps)} the one-process hub`,
      };
    }),
  ]);
}

function e2e(r: E2eResult): string {
  const once = r.missing === 0 && r.duplicates === 0 && r.accepted === r.sent;
  return (
    `p50 ${ms(r.p50)} / p99 ${ms(r.p99)} / max ${ms(r.max)} ms; ${int(r.accepted)}/${int(r.sent)} accepted, ` +
    `${int(r.delivered)} delivered, ${r.missing} missing, ${r.duplicates} twice${once ? ' — exactly once' : ''}` +
    (r.cpuUsPerWebhook === undefined ? '' : `; ${int(r.cpuUsPerWebhook)} µs CPU per webhook`) +
    inNatsServer(r.busCpuUsPerWebhook)
  );
}

/** End to end goal: p99 from send to arrival at the sink. */
const E2E_P99_GOAL_MS = 50;

export function e2eRows(result: { hubs: readonly E2eRun[]; reference: E2eResult }, seconds: number): Row[] {
  const { reference } = result;
  return result.hubs.map(({ label, result: hub }) => {
    const exact = hub.missing === 0 && hub.duplicates === 0 && hub.accepted === hub.sent;
    const fast = hub.p99 < E2E_P99_GOAL_MS;
    return {
      benchmark: `3 end to end (${label}) webhook → rule → sink, ${int(hub.rate)}/s for ${seconds} s (after 2 s warm-up)`,
      hookhub: e2e(hub),
      reference: `${e2e(reference)} — node:http relay: HMAC, SQLite insert, forward (no queue, no retry)`,
      ratio: `${times(hub.p99 / reference.p99)} p99 latency`,
      verdict:
        `${fast ? `meets p99 < ${E2E_P99_GOAL_MS} ms` : `p99 not below ${E2E_P99_GOAL_MS} ms`}` +
        ` (second half: p99 ${ms(hub.secondHalf.p99)} ms); ${exact ? 'every event exactly once' : 'LOST OR DUPLICATED EVENTS'}`,
    };
  });
}

export function memoryRow(result: { hub: MemoryResult; reference: MemoryResult }): Row {
  const { hub, reference } = result;
  const last = (m: MemoryResult): number => m.rssQuarters.at(-1) ?? 0;
  const describe = (m: MemoryResult): string =>
    `${mib(last(m))} after ${int(m.events)} (each quarter: ${m.rssQuarters.map((rss) => mib(rss)).join(' / ')})` +
    (m.failures > 0 ? `, ${int(m.failures)} failed` : '');
  return {
    benchmark: `4 memory: RSS after ${int(hub.events)} events (embedded)`,
    hookhub: describe(hub),
    reference: `${describe(reference)} — batched reference handler`,
    ratio: `${times(last(hub) / last(reference))} RSS`,
    verdict: keepsGrowing(hub.rssQuarters) ? 'GROWING' : 'flat (no growth over 10% that lasts through the second half)',
  };
}

/**
 * Growing: both samples of the second half are more than 10% above the half-way sample. One high sample
 * is not enough: this machine's RSS readings move by about ±25 MiB between runs of the same code.
 */
export function keepsGrowing(quarters: readonly number[]): boolean {
  const [, half, threeQuarters, full] = quarters;
  if (half === undefined || threeQuarters === undefined || full === undefined) return false;
  return threeQuarters > 1.1 * half && full > 1.1 * half;
}

export function renderTable(rows: readonly Row[]): string {
  const head = '| benchmark | hookhub | reference (same run) | ratio hookhub/reference | verdict |\n|---|---|---|---|---|';
  const body = rows.map((r) => `| ${r.benchmark} | ${r.hookhub} | ${r.reference} | ${r.ratio} | ${r.verdict} |`);
  return [head, ...body].join('\n');
}
