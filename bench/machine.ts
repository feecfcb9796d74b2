/** The machine line of the results: CPU model, cores, memory, Node, nats-server, commit, and how busy the machine was. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { findBinary } from '../test/helpers/find-binary.ts';

export function machineLine(): string {
  const cpu = cpus();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  const load = loadavg()[0]?.toFixed(1) ?? '?';
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${gib} GiB RAM, Linux ${release()}, Node ${process.version}, ${natsServerLine()}, commit ${commit}, 1-min load average ${load} at the end`;
}

/**
 * Which nats-server the NATS rows ran on (the first on PATH, as the bench starts it): their figures depend
 * on its version, e.g. how much a reader at the stream's tail costs its writes.
 */
export function natsServerLine(timeoutMs = 5_000): string {
  const bin = findBinary('nats-server');
  if (bin === undefined) return 'no nats-server';
  try {
    // Bounded: a binary that hangs must not stop the bench after its rows have run.
    const version = execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: timeoutMs })
      .trim()
      .replace(/^nats-server:\s*/, '');
    return `nats-server ${version} (${bin})`;
  } catch {
    return `nats-server of unknown version (${bin})`;
  }
}
