import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readCpuMs } from '../../../bench/lib/hub-process.ts';
import { ingestRows } from '../../../bench/table.ts';

describe("a bench server's CPU time", () => {
  it('reads the CPU a process has used from /proc, and 0 for a process that is gone', async () => {
    // A child that spins until it has used 300 ms of CPU (its own count, not the wall clock: on a busy
    // machine 300 ms of spinning gets less), says so, then sleeps until it is killed.
    const spin =
      'const u = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };' +
      " while (u() < 300); console.log('spun'); setInterval(() => {}, 1000);";
    const child = spawn(process.execPath, ['-e', spin]);
    await new Promise((resolve) => child.stdout.once('data', resolve));
    const used = readCpuMs(child.pid ?? -1);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(used).toBeGreaterThanOrEqual(250);
    expect(used).toBeLessThan(1_000);
    expect(readCpuMs(child.pid ?? -1)).toBe(0);
  });

  it('shows CPU per request and cores beside each throughput', () => {
    const result = (rps: number, cpuUsPerRequest?: number, cores?: number) => ({
      seconds: 4,
      ok: rps * 4,
      non2xx: 0,
      errors: 0,
      statuses: { 202: rps * 4 },
      rps,
      p50: 2,
      p99: 9,
      max: 20,
      ...(cpuUsPerRequest === undefined ? {} : { cpuUsPerRequest, cores }),
    });
    const [row] = ingestRows([
      {
        backend: 'embedded',
        payload: '2 KB',
        hub: result(4_000, 240, 0.96),
        references: [{ label: 'batched', result: result(9_000), goal: 0.9 }],
      },
    ]);
    expect(row?.hookhub).toContain('240 µs CPU per request (0.96 cores)');
    expect(row?.reference).not.toContain('CPU per request');
  });
});
