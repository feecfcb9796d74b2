/**
 * Row 1: verified GitHub webhooks/s into each backend, hookhub vs a minimal node:http reference
 * doing the same HMAC check and durable write. Server and load each run in their own process.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { PAYLOADS, type BenchPayload } from './load/github-request.ts';
import { BENCH_SECRET, writeHubConfig, type BusChoice } from './lib/hub-config.ts';
import { cpuMeter, onFreshNats, type BenchServer } from './lib/fresh-nats.ts';
import { startHubProcess, startTsProcess, type NodeProcess } from './lib/hub-process.ts';
import { freePort, runTsJson } from './lib/run-child.ts';

export interface LoadResult {
  seconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  statuses: Record<string, number>;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** The server's CPU time (every thread; both processes of a split pair) per answered request, in µs. */
  cpuUsPerRequest?: number;
  /** That CPU time over the measured seconds: 1 = one core busy throughout. */
  cores?: number;
  /** The nats-server's CPU time per answered request, for a server on NATS (part of what a request costs the machine). */
  busCpuUsPerRequest?: number;
  /** The load generator's own CPU time over the measured seconds, in ms (it prints this). */
  loadCpuMs?: number;
  /** That per answered request, in µs. */
  loadCpuUsPerRequest?: number;
  /** For a median of several rounds: every round's throughput, in the order they ran (how noisy the machine was). */
  roundsRps?: number[];
}

export interface IngestSettings {
  seconds: number;
  warmupSeconds: number;
  connections: number;
  /** Interleaved repetitions per contender; the median is reported. */
  rounds: number;
  workDir: string;
  /** Extra node flags for the hub process (e.g. --cpu-prof). */
  hubNodeArgs?: readonly string[];
  payload: BenchPayload;
}

export interface IngestComparison {
  backend: string;
  /** What was sent, e.g. `2 KB GitHub issues.opened`. */
  payload: string;
  hub: LoadResult;
  /** Each with the ratio hookhub / reference it should reach. */
  references: { label: string; result: LoadResult; goal: number }[];
  /** The machine's cores, which the server, the load generator and the nats-server share (the CPU budget of a goal). */
  cores: number;
  /**
   * Figures that explain hookhub's, next to the reference labelled `against`: variants of hookhub itself, or
   * (`hubAgainstIt`) a reference doing more of hookhub's work, which hookhub is then compared with.
   */
  diagnostics?: {
    label: string;
    result: LoadResult;
    against: string;
    baseline?: { label: string; result: LoadResult };
    hubAgainstIt?: boolean;
  }[];
}

const LOAD = 'bench/load/ingest-load.ts';
const PER_REQUEST = 'node:http + HMAC + SQLite insert per request';
const BATCHED = 'node:http + HMAC + SQLite inserts batched per tick';
const PUBLISH = 'node:http + HMAC + awaited JetStream publish';
/** What the reference gains with --checks: the checks hookhub makes before its 202 and the references do not. */
const WITH_CHECKS =
  'with the two checks hookhub makes before its 202 (the body parses as JSON, else 400; a body stored before under another delivery id is a duplicate, as GitHub signs only the body)';
const REFERENCE = 'bench/reference/reference-server.ts';

/** Warm up, then measure one server with the load generator. */
export async function measure(
  server: BenchServer,
  settings: Pick<IngestSettings, 'seconds' | 'warmupSeconds' | 'connections'> & { payload?: BenchPayload },
): Promise<LoadResult> {
  const base = ['--url', server.url, '--secret', BENCH_SECRET, '--connections', String(settings.connections)];
  base.push('--payload', settings.payload ?? 'small');
  await runTsJson(LOAD, [...base, '--seconds', String(settings.warmupSeconds)], (settings.warmupSeconds + 60) * 1000);
  const used = cpuMeter(server);
  const result = await runTsJson<LoadResult>(LOAD, [...base, '--seconds', String(settings.seconds)], (settings.seconds + 60) * 1000);
  const { cpuMs, busCpuMs } = used();
  const answered = result.ok + result.non2xx;
  const cores = cpuMs / 1000 / result.seconds;
  if (answered === 0) return { ...result, cores };
  const perRequest = (ms: number) => (ms * 1000) / answered;
  return {
    ...result,
    cores,
    cpuUsPerRequest: perRequest(cpuMs),
    ...(busCpuMs === undefined ? {} : { busCpuUsPerRequest: perRequest(busCpuMs) }),
    ...(result.loadCpuMs === undefined ? {} : { loadCpuUsPerRequest: perRequest(result.loadCpuMs) }),
  };
}

/** One round of one server: its files live in `roundDir`, removed once it has stopped. */
async function withServer<T>(
  roundDir: string,
  start: (roundDir: string) => Promise<BenchServer>,
  work: (server: BenchServer) => Promise<T>,
): Promise<T> {
  mkdirSync(roundDir, { recursive: true });
  const server = await start(roundDir);
  try {
    return await work(server);
  } finally {
    await server.kill('SIGTERM');
    // Removed before the kernel writes them back: a round's gigabytes would otherwise still be on their
    // way to disk during the next server's rounds, and slow its syncs.
    rmSync(roundDir, { recursive: true, force: true });
  }
}

/** The round with the median throughput (its latencies come with it), and every round's throughput. */
export function median(results: LoadResult[]): LoadResult {
  const sorted = [...results].sort((x, y) => x.rps - y.rps);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, roundsRps: results.map((r) => r.rps) };
}

/** A hub child process with one `github` connector, at its default log level. */
export async function startBenchHub(
  workDir: string,
  name: string,
  bus: BusChoice,
  nodeArgs: readonly string[] = [],
  args: readonly string[] = [],
): Promise<NodeProcess> {
  const port = await freePort();
  const file = writeHubConfig({ dir: join(workDir, name), bus, port });
  return startHubProcess(file, port, { nodeArgs, args });
}

/**
 * Two hub processes on one bus (one NATS, or one SQLite file): the load hits an `ingress` process while a
 * `router,worker` process routes what it stores. Killing the returned process stops both.
 */
async function startSplitHubs(workDir: string, name: string, bus: BusChoice, nodeArgs: readonly string[]): Promise<NodeProcess> {
  const back = await startBenchHub(workDir, `${name}-back`, bus, [], ['--role', 'router,worker']);
  const front = await startBenchHub(workDir, `${name}-front`, bus, nodeArgs, ['--role', 'ingress']).catch(async (err: unknown) => {
    await back.kill('SIGTERM');
    throw err;
  });
  return {
    ...front,
    cpuMs: () => front.cpuMs() + back.cpuMs(),
    kill: async (signal) => {
      const [exit] = await Promise.all([front.kill(signal), back.kill(signal)]);
      return exit;
    },
  };
}

interface Contender {
  key: string;
  /** Starts the server with its files in `dir` (fresh for each round). */
  start: (dir: string) => Promise<BenchServer>;
}

/**
 * Every contender runs `rounds` times, interleaved (hub, references, hub, …) so that noise from
 * other work on the machine hits all of them alike; each reports its median round.
 */
export async function benchIngest(settings: IngestSettings): Promise<IngestComparison[]> {
  const hubArgs = settings.hubNodeArgs ?? [];
  const embedded = (dir: string): BusChoice => ({ type: 'embedded', path: join(dir, 'hookhub.db') });
  const nats = (url: string): BusChoice => ({ type: 'nats', url });
  const ref = (args: (dir: string) => string[]) => (dir: string) => startTsProcess(REFERENCE, ['--secret', BENCH_SECRET, ...args(dir)]);
  const ingressOnly =
    (...flags: string[]) =>
    (dir: string): Promise<NodeProcess> =>
      startTsProcess('bench/reference/ingress-only.ts', ['--config', writeHubConfig({ dir, bus: embedded(dir) }), ...flags]);
  const contenders: Contender[] = [
    { key: 'hub-embedded', start: (dir) => startBenchHub(dir, 'hub', embedded(dir), hubArgs) },
    { key: 'ingress-embedded', start: ingressOnly() },
    { key: 'ingress-embedded-no-body-dedup', start: ingressOnly('--no-body-dedup') },
    { key: 'hub-embedded-split', start: (dir) => startSplitHubs(dir, 'hub', embedded(dir), hubArgs) },
    { key: 'ref-sqlite', start: ref((dir) => ['--sqlite', join(dir, 'ref.db')]) },
    { key: 'ref-sqlite-batch', start: ref((dir) => ['--sqlite', join(dir, 'ref.db'), '--batch']) },
    { key: 'ref-sqlite-batch-checks', start: ref((dir) => ['--sqlite', join(dir, 'ref.db'), '--batch', '--checks']) },
    { key: 'ref-sqlite-batch-checks-read', start: ref((dir) => ['--sqlite', join(dir, 'ref.db'), '--batch', '--checks', '--read-back']) },
    { key: 'probot', start: () => startTsProcess('bench/reference/probot-server.ts', ['--secret', BENCH_SECRET]) },
    { key: 'hub-nats', start: (dir) => onFreshNats((url) => startBenchHub(dir, 'hub', nats(url), hubArgs)) },
    { key: 'hub-nats-split', start: (dir) => onFreshNats((url) => startSplitHubs(dir, 'hub', nats(url), hubArgs)) },
    { key: 'ref-nats', start: (dir) => onFreshNats((url) => ref(() => ['--nats', url])(dir)) },
    { key: 'ref-nats-checks', start: (dir) => onFreshNats((url) => ref(() => ['--nats', url, '--checks'])(dir)) },
    { key: 'ref-nats-checks-read', start: (dir) => onFreshNats((url) => ref(() => ['--nats', url, '--checks', '--read-back'])(dir)) },
  ];
  const results = new Map<string, LoadResult[]>(contenders.map((c) => [c.key, []]));
  for (let round = 0; round < settings.rounds; round++) {
    for (const c of contenders) {
      const roundDir = join(settings.workDir, `${c.key}-${round}`);
      results.get(c.key)!.push(await withServer(roundDir, c.start, (s) => measure(s, settings)));
    }
  }
  const pick = (key: string): LoadResult => median(results.get(key)!);
  const payload = PAYLOADS[settings.payload].label;
  const cores = availableParallelism();
  return [
    {
      backend: 'embedded',
      payload,
      cores,
      hub: pick('hub-embedded'),
      references: [
        { label: PER_REQUEST, result: pick('ref-sqlite'), goal: 0.9 },
        { label: BATCHED, result: pick('ref-sqlite-batch'), goal: 0.9 },
        { label: 'Probot (its Node middleware and verification, one no-op handler, in memory)', result: pick('probot'), goal: 1 },
      ],
      diagnostics: [
        { label: `the batched reference ${WITH_CHECKS}`, result: pick('ref-sqlite-batch-checks'), against: BATCHED, hubAgainstIt: true },
        {
          label: `the batched reference ${WITH_CHECKS}, and a reader in its process that reads each commit's new rows and saves how far it has read in the next commit, as hookhub's router does with an event no rule takes`,
          result: pick('ref-sqlite-batch-checks-read'),
          against: BATCHED,
          hubAgainstIt: true,
        },
        { label: "hookhub's ingress alone (no router/workers in the process)", result: pick('ingress-embedded'), against: BATCHED },
        {
          label: "hookhub's ingress alone, without the replay check on GitHub's body (a content key per event; the references have none)",
          result: pick('ingress-embedded-no-body-dedup'),
          against: BATCHED,
          baseline: { label: "hookhub's ingress alone", result: pick('ingress-embedded') },
        },
        {
          label: 'two processes on one file: `--role ingress` (measured) + `--role router,worker`',
          result: pick('hub-embedded-split'),
          against: BATCHED,
        },
      ],
    },
    {
      backend: 'nats',
      payload,
      cores,
      hub: pick('hub-nats'),
      references: [{ label: PUBLISH, result: pick('ref-nats'), goal: 0.9 }],
      diagnostics: [
        { label: `the publish reference ${WITH_CHECKS}`, result: pick('ref-nats-checks'), against: PUBLISH, hubAgainstIt: true },
        {
          label: `the publish reference ${WITH_CHECKS}, and a consumer in its process that reads and acks every stored delivery, as hookhub's router does with an event no rule takes`,
          result: pick('ref-nats-checks-read'),
          against: PUBLISH,
          hubAgainstIt: true,
        },
        { label: 'two processes: `--role ingress` (measured) + `--role router,worker`', result: pick('hub-nats-split'), against: PUBLISH },
      ],
    },
  ];
}
