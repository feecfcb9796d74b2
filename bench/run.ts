/**
 * `npm run bench`: every figure next to a reference measured in the same run, as one table,
 * also written to bench/results/latest.md. Servers and load generators are separate processes on
 * 127.0.0.1; every load is bounded in time or count and stops by itself.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEndToEnd } from './e2e-bench.ts';
import { benchIngest } from './ingest-bench.ts';
import { PAYLOADS } from './load/github-request.ts';
import { machineLine } from './machine.ts';
import { benchMemory } from './memory-bench.ts';
import { benchRules } from './rules-bench.ts';
import { readBenchSettings } from './settings.ts';
import { e2eRows, ingestRows, memoryRow, renderTable, type Row } from './table.ts';

const settings = readBenchSettings(process.env);
const workDir = mkdtempSync(join(tmpdir(), 'hookhub-bench-'));
const started = Date.now();
const step = (what: string): void => void process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(0)}s] ${what}\n`);
const rows: Row[] = [];

try {
  const hubNodeArgs = settings.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', settings.cpuProfileDir] : [];
  for (const payload of ['small', 'large'] as const) {
    step(`ingest (${PAYLOADS[payload].label}): hookhub and references, embedded and nats`);
    const ingest = { ...settings, seconds: settings.ingestSeconds, workDir, hubNodeArgs, payload };
    rows.push(...ingestRows(await benchIngest(ingest)));
  }
  step('rule matching');
  rows.push(...benchRules());
  // The ingest rows leave gigabytes on their way to disk, and the end-to-end rows wait on syncs: each (the
  // reference too) starts once the disk has caught up, and each NATS row on a nats-server of its own.
  step('waiting for the disk to write back what the ingest rows left (sync)');
  execFileSync('sync');
  step(`end to end: ${settings.e2eRate}/s for ${settings.e2eSeconds} s`);
  const e2e = await benchEndToEnd({ rate: settings.e2eRate, seconds: settings.e2eSeconds, workDir, settle: () => execFileSync('sync') });
  rows.push(...e2eRows(e2e, settings.e2eSeconds));
  step(`memory: ${settings.memoryEvents} events`);
  rows.push(memoryRow(await benchMemory(workDir, settings.memoryEvents)));
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

const table = renderTable(rows);
const machine = machineLine();
const when = new Date().toISOString();
const total = ((Date.now() - started) / 1000).toFixed(0);
process.stdout.write(`${table}\n\nMachine: ${machine}. Run ${when}, ${total} s.\n`);
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
const doc = [
  '# hookhub benchmark results',
  '',
  `Machine: ${machine}`,
  `Run: ${when} (${total} s), \`npm run bench\` with BENCH_INGEST_SECONDS=${settings.ingestSeconds}, BENCH_ROUNDS=${settings.rounds}, BENCH_SECONDS=${settings.e2eSeconds}, BENCH_RATE=${settings.e2eRate}, BENCH_EVENTS=${settings.memoryEvents}.`,
  '',
  'Each server (hookhub or reference) runs in its own process; load comes from another process over 127.0.0.1.',
  'Ingest: every server runs BENCH_ROUNDS interleaved rounds (fresh process on an empty store: a new SQLite file, or a nats-server of its own; 1 s warm-up, then the measured seconds); the median round is shown, with the throughput of every round, in the order they ran, beside it.',
  'End to end: a fresh hub per row, 2 s of warm-up sends, then BENCH_SECONDS at BENCH_RATE; the verdict is on the p99 of all measured webhooks, and the second-half p99 beside it shows how much of it is a backlog left by the cold start.',
  "CPU per request (ingest) and per webhook (end to end) are the server's CPU time, every thread and both processes of a pair, over the answered requests; for end to end over the whole run, warm-up and drain included. Cores is that time over the measured seconds: a server short of a whole core was held back by the load generator, which shares the machine.",
  'Ratios are hookhub / reference, both measured in this run on this machine.',
  'A diagnostic row that names a reference "with the two checks hookhub makes before its 202" shows that reference where the other rows show hookhub, against the plain reference; its verdict gives hookhub against it.',
  "A missed ingest goal gives its CPU budget: the machine's cores at the goal's rate, less the CPU per request the load generator used (the less of its two rounds, hookhub's and the reference's) and, on NATS, the nats-server in hookhub's round. A hub that needs more than that cannot reach the goal on this machine by using more threads or processes, only by doing less per request.",
  '',
  table,
  '',
].join('\n');
writeFileSync(join(resultsDir, 'latest.md'), doc);
