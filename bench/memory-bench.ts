/**
 * Row 4: resident memory of the hub after each quarter of 100,000 verified webhooks (embedded bus,
 * router running, no rules), next to the batched reference handler fed the same load.
 */
import { join } from 'node:path';
import { BENCH_SECRET, writeHubConfig } from './lib/hub-config.ts';
import { startHubProcess, startTsProcess, type NodeProcess } from './lib/hub-process.ts';
import { freePort, runTsJson } from './lib/run-child.ts';

export interface MemoryResult {
  events: number;
  /** RSS after each quarter of the events, at rest. */
  rssQuarters: number[];
  /** Sum of non-2xx answers and connection errors (should be 0). */
  failures: number;
}

interface Load {
  ok: number;
  non2xx: number;
  errors: number;
}

async function feed(proc: NodeProcess, events: number): Promise<MemoryResult> {
  const quarter = Math.floor(events / 4);
  const load = async (): Promise<Load> =>
    runTsJson<Load>('bench/load/ingest-load.ts', ['--url', proc.url, '--secret', BENCH_SECRET, '--amount', String(quarter)], 300_000);
  try {
    const rssQuarters: number[] = [];
    let failures = 0;
    for (let i = 0; i < 4; i++) {
      const sent = await load();
      failures += sent.non2xx + sent.errors;
      // Let in-flight work (router, retention) settle so every sample is taken at rest.
      await new Promise((r) => setTimeout(r, 2_000));
      rssQuarters.push(proc.rssBytes());
    }
    return { events: quarter * 4, rssQuarters, failures };
  } finally {
    await proc.kill('SIGTERM');
  }
}

export async function benchMemory(workDir: string, events: number): Promise<{ hub: MemoryResult; reference: MemoryResult }> {
  const dir = join(workDir, 'memory');
  const port = await freePort();
  const file = writeHubConfig({ dir, port, bus: { type: 'embedded', path: join(dir, 'hookhub.db') } });
  const hub = await feed(await startHubProcess(file, port), events);
  const ref = await startTsProcess('bench/reference/reference-server.ts', [
    '--secret',
    BENCH_SECRET,
    '--sqlite',
    join(dir, 'ref.db'),
    '--batch',
  ]);
  return { hub, reference: await feed(ref, events) };
}
