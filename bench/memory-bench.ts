/**
 * Row 4: resident memory of the hub after 50,000 and 100,000 verified webhooks (embedded bus,
 * router running, no rules), next to the batched reference handler fed the same load.
 */
import { join } from 'node:path';
import { BENCH_SECRET, writeHubConfig } from './lib/hub-config.ts';
import { startHubProcess, startTsProcess, type NodeProcess } from './lib/hub-process.ts';
import { freePort, runTsJson } from './lib/run-child.ts';

export interface MemoryResult {
  events: number;
  rssHalf: number;
  rssFull: number;
  /** Sum of non-2xx answers and connection errors (should be 0). */
  failures: number;
}

interface Load {
  ok: number;
  non2xx: number;
  errors: number;
}

async function feed(proc: NodeProcess, events: number): Promise<MemoryResult> {
  const half = Math.floor(events / 2);
  const load = async (): Promise<Load> =>
    runTsJson<Load>('bench/load/ingest-load.ts', ['--url', proc.url, '--secret', BENCH_SECRET, '--amount', String(half)], 300_000);
  try {
    const first = await load();
    // Let in-flight work (router, retention) settle so both samples are taken at rest.
    await new Promise((r) => setTimeout(r, 2_000));
    const rssHalf = proc.rssBytes();
    const second = await load();
    await new Promise((r) => setTimeout(r, 2_000));
    const rssFull = proc.rssBytes();
    const failures = first.non2xx + first.errors + second.non2xx + second.errors;
    return { events: half * 2, rssHalf, rssFull, failures };
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
