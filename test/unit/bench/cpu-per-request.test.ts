import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { median } from '../../../bench/ingest-bench.ts';
import { readCpuMs } from '../../../bench/lib/hub-process.ts';
import { cpuBudgetUs, ingestRows } from '../../../bench/table.ts';

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

  it('shows CPU per request and cores beside each throughput', () => {
    const [row] = ingestRows([
      {
        backend: 'embedded',
        payload: '2 KB',
        cores: 2,
        hub: result(4_000, 240, 0.96),
        references: [{ label: 'batched', result: result(9_000), goal: 0.9 }],
      },
    ]);
    expect(row?.hookhub).toContain('240 µs CPU per request (0.96 cores)');
    expect(row?.reference).not.toContain('CPU per request');
  });

  it("gives a goal's CPU budget: the machine's cores at the goal's rate, less the load's and the nats-server's CPU", () => {
    // At 0.9 × 9,000/s = 8,100/s, 2 cores hold 246.9 µs per request; the load took 60 of them.
    const hub = { ...result(4_000, 240, 0.96), loadCpuUsPerRequest: 60 };
    expect(cpuBudgetUs({ cores: 2, hub }, result(9_000), 0.9)).toBeCloseTo(186.9, 1);
    const onNats = { ...hub, busCpuUsPerRequest: 100 };
    expect(cpuBudgetUs({ cores: 2, hub: onNats }, result(9_000), 0.9)).toBeCloseTo(86.9, 1);
    // The load's lesser figure of the two rounds counts, so the budget errs in hookhub's favour.
    const fasterLoad = { ...result(9_000), loadCpuUsPerRequest: 40 };
    expect(cpuBudgetUs({ cores: 2, hub }, fasterLoad, 0.9)).toBeCloseTo(206.9, 1);
    // Without the load's figure (an older load generator) there is no budget to give.
    expect(cpuBudgetUs({ cores: 2, hub: result(4_000, 240, 0.96) }, result(9_000), 0.9)).toBeUndefined();
  });

  it("says in a missed goal's verdict whether the machine had the CPU for it", () => {
    const rows = (hubUs: number) =>
      ingestRows([
        {
          backend: 'embedded',
          payload: '2 KB',
          cores: 2,
          hub: { ...result(4_000, hubUs, 0.96), loadCpuUsPerRequest: 60 },
          references: [{ label: 'batched', result: result(9_000), goal: 0.9 }],
        },
      ]);
    const [short] = rows(240);
    expect(short?.verdict).toContain('below 0.9×');
    expect(short?.verdict).toContain("2 cores less the load's 60 µs leave at most 187 µs per request; hookhub used 240");
    expect(short?.verdict).toContain('too little CPU');
    const [roomy] = rows(150);
    expect(roomy?.verdict).toContain('hookhub used 150: enough CPU');
  });

  it('compares hookhub with a reference that makes its checks, in that row', () => {
    const rows = ingestRows([
      {
        backend: 'embedded',
        payload: '2 KB',
        cores: 2,
        hub: result(4_000, 240, 0.96),
        references: [{ label: 'batched', result: result(9_000), goal: 0.9 }],
        diagnostics: [{ label: 'batched with the checks', result: result(5_000), against: 'batched', hubAgainstIt: true }],
      },
    ]);
    const checks = rows.find((row) => row.benchmark.includes('with the checks'));
    expect(checks?.ratio).toBe('0.56× throughput');
    expect(checks?.verdict).toBe('hookhub reaches 0.80× of it');
  });

  it("shows the median round with its own latencies, and every round's throughput in the order they ran", () => {
    const picked = median([{ ...result(9_400), p99: 7 }, { ...result(8_100), p99: 12 }, result(9_155)]);
    expect(picked.rps).toBe(9_155);
    expect(picked.p99).toBe(9);
    expect(picked.roundsRps).toEqual([9_400, 8_100, 9_155]);
    const [row] = ingestRows([
      {
        backend: 'embedded',
        payload: '2 KB',
        cores: 2,
        hub: picked,
        references: [{ label: 'batched', result: median([result(16_000)]), goal: 0.9 }],
      },
    ]);
    expect(row?.hookhub).toMatch(/^9,155\/s \(rounds 9,400 \/ 8,100 \/ 9,155\), p50 2\.0 ms, p99 9\.0 ms/);
    // One round is its own median: nothing to show beside it.
    expect(row?.reference).toMatch(/^16,000\/s, p50/);
  });

  it('gives a variant of hookhub its ratio to the one-process hub, slower or faster', () => {
    const rows = ingestRows([
      {
        backend: 'nats',
        payload: '2 KB',
        cores: 2,
        hub: result(2_000),
        references: [{ label: 'publish', result: result(2_800), goal: 0.9 }],
        diagnostics: [
          { label: 'two processes', result: result(1_780), against: 'publish' },
          { label: 'ingress alone', result: result(2_260), against: 'publish' },
        ],
      },
    ]);
    expect(rows.find((row) => row.benchmark.includes('two processes'))?.verdict).toBe('0.89× the one-process hub');
    expect(rows.find((row) => row.benchmark.includes('ingress alone'))?.verdict).toBe('1.13× the one-process hub');
  });
});
