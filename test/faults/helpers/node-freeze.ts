/**
 * Freezing a cluster node (SIGSTOP) the way a frozen VM, a long pause or one side of a partition looks to
 * its clients: its sockets stay open, the kernel still accepts connections on its port, and nothing answers.
 * nats-cluster.ts keeps each node's process to itself, so the process is found in /proc (Linux): the child
 * of this process started with the node's `--server_name`. Every frozen node is thawed by thawAll(), so no
 * process is left stopped whatever the test did.
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { ClusterNode } from '../../helpers/nats-cluster.ts';

/** The pid of this process's child started as `--server_name <name>`. */
export function nodePid(node: Pick<ClusterNode, 'name'>): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The parent pid is the 2nd field after the command name, which is in parentheses and may hold spaces.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent !== process.pid) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args[args.indexOf('--server_name') + 1] === node.name) return Number(entry);
    } catch {
      // The process ended while it was being read.
    }
  }
  throw new Error(`no nats-server process for cluster node ${node.name}`);
}

export interface Freezer {
  /** SIGSTOP; returns when it was sent. */
  freeze(node: ClusterNode): number;
  /** SIGCONT to every node frozen so far (safe to call more than once). */
  thawAll(): void;
}

export function createFreezer(): Freezer {
  const frozen = new Set<number>();
  return {
    freeze(node) {
      const pid = nodePid(node);
      frozen.add(pid);
      process.kill(pid, 'SIGSTOP');
      return Date.now();
    },
    thawAll() {
      for (const pid of frozen) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // Already gone.
        }
      }
      frozen.clear();
    },
  };
}
