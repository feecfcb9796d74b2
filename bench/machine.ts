/** The machine line of the results: CPU model, cores, memory, Node, commit, and how busy the machine was. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';

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
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${gib} GiB RAM, Linux ${release()}, Node ${process.version}, commit ${commit}, 1-min load average ${load} at the end`;
}
