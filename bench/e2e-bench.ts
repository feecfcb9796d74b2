/**
 * Row 3: webhook -> rule -> webhook action at a local sink, at a fixed rate. hookhub (embedded bus,
 * router and workers) vs a reference relay that verifies, inserts and forwards with no queue.
 */
import { join } from 'node:path';
import { BENCH_SECRET, sinkRule, writeHubConfig } from './lib/hub-config.ts';
import { startHubProcess, startTsProcess, type NodeProcess } from './lib/hub-process.ts';
import { freePort, runTsJson } from './lib/run-child.ts';

export interface E2eResult {
  rate: number;
  sendSeconds: number;
  sent: number;
  accepted: number;
  statuses: Record<string, number>;
  delivered: number;
  duplicates: number;
  missing: number;
  p50: number;
  p99: number;
  max: number;
}

export interface E2eSettings {
  rate: number;
  seconds: number;
  workDir: string;
}

async function run(server: (sinkPort: number) => Promise<NodeProcess>, settings: E2eSettings): Promise<E2eResult> {
  const sinkPort = await freePort();
  const proc = await server(sinkPort);
  try {
    const args = ['--url', proc.url, '--secret', BENCH_SECRET, '--sink-port', String(sinkPort)];
    args.push('--rate', String(settings.rate), '--seconds', String(settings.seconds), '--drain-seconds', '30');
    return await runTsJson<E2eResult>('bench/load/e2e-load.ts', args, (settings.seconds + 90) * 1000);
  } finally {
    await proc.kill('SIGTERM');
  }
}

export async function benchEndToEnd(settings: E2eSettings): Promise<{ hub: E2eResult; reference: E2eResult }> {
  const dir = join(settings.workDir, 'e2e');
  const hub = await run(async (sinkPort) => {
    const port = await freePort();
    const file = writeHubConfig({
      dir,
      port,
      bus: { type: 'embedded', path: join(dir, 'hookhub.db') },
      rules: { 'sink.yaml': sinkRule(`http://127.0.0.1:${sinkPort}/sink`) },
      allowlist: ['127.0.0.1'],
    });
    return startHubProcess(file, port);
  }, settings);
  const reference = await run(
    (sinkPort) =>
      startTsProcess('bench/reference/reference-server.ts', [
        '--secret',
        BENCH_SECRET,
        '--sqlite',
        join(dir, 'ref.db'),
        '--batch',
        '--forward',
        `http://127.0.0.1:${sinkPort}/sink`,
      ]),
    settings,
  );
  return { hub, reference };
}
