/**
 * Row 1: verified GitHub webhooks/s into each backend, hookhub vs a minimal node:http reference
 * doing the same HMAC check and durable write. Server and load each run in their own process.
 */
import { join } from 'node:path';
import { BENCH_SECRET, writeHubConfig, type BusChoice } from './lib/hub-config.ts';
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
}

export interface IngestSettings {
  seconds: number;
  warmupSeconds: number;
  connections: number;
  workDir: string;
  natsUrl: string;
  /** Extra node flags for the hub process (e.g. --cpu-prof). */
  hubNodeArgs?: readonly string[];
}

export interface IngestComparison {
  backend: string;
  hub: LoadResult;
  references: { label: string; result: LoadResult }[];
}

const LOAD = 'bench/load/ingest-load.ts';
const REFERENCE = 'bench/reference/reference-server.ts';

/** Warm up, then measure one server with the load generator. */
export async function measure(server: NodeProcess, settings: Pick<IngestSettings, 'seconds' | 'warmupSeconds' | 'connections'>): Promise<LoadResult> {
  const base = ['--url', server.url, '--secret', BENCH_SECRET, '--connections', String(settings.connections)];
  await runTsJson(LOAD, [...base, '--seconds', String(settings.warmupSeconds)], (settings.warmupSeconds + 60) * 1000);
  return runTsJson<LoadResult>(LOAD, [...base, '--seconds', String(settings.seconds)], (settings.seconds + 60) * 1000);
}

async function withServer<T>(start: () => Promise<NodeProcess>, work: (server: NodeProcess) => Promise<T>): Promise<T> {
  const server = await start();
  try {
    return await work(server);
  } finally {
    await server.kill('SIGTERM');
  }
}

/** A hub child process with one `github` connector, at its default log level. */
export async function startBenchHub(workDir: string, name: string, bus: BusChoice, nodeArgs: readonly string[] = []): Promise<NodeProcess> {
  const port = await freePort();
  const file = writeHubConfig({ dir: join(workDir, name), bus, port });
  return startHubProcess(file, port, { nodeArgs });
}

export async function benchIngest(settings: IngestSettings): Promise<IngestComparison[]> {
  const dir = settings.workDir;
  const hubArgs = settings.hubNodeArgs ?? [];
  const embeddedHub = await withServer(
    () => startBenchHub(dir, 'hub-embedded', { type: 'embedded', path: join(dir, 'hub-embedded', 'hookhub.db') }, hubArgs),
    (s) => measure(s, settings),
  );
  const perRequest = await withServer(
    () => startTsProcess(REFERENCE, ['--secret', BENCH_SECRET, '--sqlite', join(dir, 'ref-sqlite.db')]),
    (s) => measure(s, settings),
  );
  const batched = await withServer(
    () => startTsProcess(REFERENCE, ['--secret', BENCH_SECRET, '--sqlite', join(dir, 'ref-sqlite-batch.db'), '--batch']),
    (s) => measure(s, settings),
  );
  const natsHub = await withServer(() => startBenchHub(dir, 'hub-nats', { type: 'nats', url: settings.natsUrl }, hubArgs), (s) => measure(s, settings));
  const natsRef = await withServer(() => startTsProcess(REFERENCE, ['--secret', BENCH_SECRET, '--nats', settings.natsUrl]), (s) => measure(s, settings));
  return [
    {
      backend: 'embedded',
      hub: embeddedHub,
      references: [
        { label: 'node:http + HMAC + SQLite insert per request', result: perRequest },
        { label: 'node:http + HMAC + SQLite inserts batched per tick', result: batched },
      ],
    },
    { backend: 'nats', hub: natsHub, references: [{ label: 'node:http + HMAC + awaited JetStream publish', result: natsRef }] },
  ];
}
