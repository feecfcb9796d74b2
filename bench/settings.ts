/** The benchmark's knobs, read from the environment in this one place. */
export interface BenchSettings {
  /** Measured seconds per ingest round (after a 1 s warm-up). BENCH_INGEST_SECONDS, default 4. */
  ingestSeconds: number;
  /** Interleaved ingest rounds per server; the median is reported. BENCH_ROUNDS, default 3. */
  rounds: number;
  warmupSeconds: number;
  connections: number;
  /** End-to-end duration. BENCH_SECONDS, default 20. */
  e2eSeconds: number;
  /** End-to-end fixed rate. BENCH_RATE, default 500/s. */
  e2eRate: number;
  /** Events for the memory row. BENCH_EVENTS, default 100,000. */
  memoryEvents: number;
  /** When set, hub processes of the ingest row write V8 CPU profiles here (BENCH_CPU_PROF). */
  cpuProfileDir?: string;
}

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : fallback;
}

export function readBenchSettings(env: NodeJS.ProcessEnv): BenchSettings {
  return {
    ingestSeconds: positive(env.BENCH_INGEST_SECONDS, 4),
    rounds: Math.round(positive(env.BENCH_ROUNDS, 3)),
    warmupSeconds: 1,
    connections: 32,
    e2eSeconds: positive(env.BENCH_SECONDS, 20),
    e2eRate: positive(env.BENCH_RATE, 500),
    memoryEvents: positive(env.BENCH_EVENTS, 100_000),
    ...(env.BENCH_CPU_PROF ? { cpuProfileDir: env.BENCH_CPU_PROF } : {}),
  };
}
