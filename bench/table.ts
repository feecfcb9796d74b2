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
  return `${int(r.rps)}/s, p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms${bad > 0 ? `, ${int(bad)} failed` : ''}${cpu(r)}`;
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

export function ingestRows(comparisons: readonly IngestComparison[]): Row[] {
  return comparisons.flatMap((c) => [
    ...c.references.map((ref) => {
      const ratio = c.hub.rps / ref.result.rps;
      return {
        benchmark: `1 ingest → ${c.backend} (${c.payload}, 32 conns, unique deliveries)`,
        hookhub: load(c.hub),
        reference: `${load(ref.result)} — ${ref.label}`,
        ratio: `${times(ratio)} throughput`,
        verdict: ratio >= ref.goal ? `meets ≥${ref.goal}×` : `below ${ref.goal}×`,
      };
    }),
    ...(c.diagnostics ?? []).map((d) => {
      const against = c.references.find((r) => r.label === d.against) ?? c.references[0]!;
      return {
        benchmark: `1 diagnostic → ${c.backend} (${c.payload}): ${d.label}`,
        hookhub: load(d.result),
        reference: `${load(against.result)} — ${against.label}`,
        ratio: `${times(d.result.rps / against.result.rps)} throughput`,
        verdict: d.baseline
          ? `${times(d.result.rps / d.baseline.result.rps)} ${d.baseline.label}`
          : d.result.rps >= c.hub.rps
            ? `${times(d.result.rps / c.hub.rps)} the one-process hub`
            : 'explains the row above',
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
