/**
 * Row 3: webhook -> rule -> webhook action at a local sink, at a fixed rate. hookhub on the embedded
 * bus, on NATS, and on NATS split in two processes by role, vs a reference relay that verifies,
 * inserts and forwards with no queue. Each NATS row has a nats-server of its own, as each ingest round
 * does: the split row used to start on the streams the row before it had filled.
 */
import { join } from 'node:path';
import { BENCH_SECRET, sinkRule, writeHubConfig, type BusChoice } from './lib/hub-config.ts';
import { cpuMeter, onFreshNats, type BenchServer } from './lib/fresh-nats.ts';
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
  /** The same figures for the webhooks sent in the second half of the measured seconds. */
  secondHalf: { p50: number; p99: number; max: number };
  /** The server's CPU time (every process of it) per webhook sent, warm-up and drain included, in µs. */
  cpuUsPerWebhook?: number;
  /** The same for the nats-server under a NATS row: part of what a webhook costs the machine. */
  busCpuUsPerWebhook?: number;
}

export interface E2eSettings {
  rate: number;
  seconds: number;
  workDir: string;
  /** Called before each row (and the reference) starts: waits until the last row's files are on disk. */
  settle?: () => void;
}

export interface E2eRun {
  label: string;
  result: E2eResult;
}

async function run(server: (sinkPort: number) => Promise<BenchServer>, settings: E2eSettings): Promise<E2eResult> {
  settings.settle?.();
  const sinkPort = await freePort();
  const proc = await server(sinkPort);
  try {
    const args = ['--url', proc.url, '--secret', BENCH_SECRET, '--sink-port', String(sinkPort)];
    args.push('--rate', String(settings.rate), '--seconds', String(settings.seconds), '--drain-seconds', '30');
    const used = cpuMeter(proc);
    const result = await runTsJson<E2eResult>('bench/load/e2e-load.ts', args, (settings.seconds + 90) * 1000);
    const { cpuMs, busCpuMs } = used();
    const perWebhook = (ms: number) => (ms * 1000) / result.sent;
    return {
      ...result,
      cpuUsPerWebhook: perWebhook(cpuMs),
      ...(busCpuMs === undefined ? {} : { busCpuUsPerWebhook: perWebhook(busCpuMs) }),
    };
  } finally {
    await proc.kill('SIGTERM');
  }
}

/** A hub (or two, by role) whose one rule sends every GitHub event to the load's sink. */
async function startHubs(dir: string, sinkPort: number, bus: BusChoice, split: boolean): Promise<NodeProcess> {
  const spec = { bus, rules: { 'sink.yaml': sinkRule(`http://127.0.0.1:${sinkPort}/sink`) }, allowlist: ['127.0.0.1'] };
  const frontPort = await freePort();
  const front = writeHubConfig({ ...spec, dir: join(dir, 'front'), port: frontPort });
  if (!split) return startHubProcess(front, frontPort);
  const backPort = await freePort();
  const back = await startHubProcess(writeHubConfig({ ...spec, dir: join(dir, 'back'), port: backPort }), backPort, {
    args: ['--role', 'router,worker'],
  });
  const ingress = await startHubProcess(front, frontPort, { args: ['--role', 'ingress'] });
  return {
    ...ingress,
    cpuMs: () => ingress.cpuMs() + back.cpuMs(),
    kill: async (signal) => (await Promise.all([ingress.kill(signal), back.kill(signal)]))[0],
  };
}

export async function benchEndToEnd(settings: E2eSettings): Promise<{ hubs: E2eRun[]; reference: E2eResult }> {
  const dir = join(settings.workDir, 'e2e');
  const variants: { label: string; bus: 'embedded' | 'nats'; split: boolean }[] = [
    { label: 'embedded', bus: 'embedded', split: false },
    { label: 'nats', bus: 'nats', split: false },
    { label: 'nats, 2 processes (ingress + router,worker)', bus: 'nats', split: true },
  ];
  const hubs: E2eRun[] = [];
  for (const [i, v] of variants.entries()) {
    const hubDir = join(dir, `hub-${i}`);
    const server = (sinkPort: number): Promise<BenchServer> =>
      v.bus === 'nats'
        ? onFreshNats((url) => startHubs(hubDir, sinkPort, { type: 'nats', url }, v.split))
        : startHubs(hubDir, sinkPort, { type: 'embedded', path: join(hubDir, 'hookhub.db') }, v.split);
    hubs.push({ label: v.label, result: await run(server, settings) });
  }
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
  return { hubs, reference };
}
