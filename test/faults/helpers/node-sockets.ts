/**
 * Which cluster node a hub child process is connected to, seen from outside: its established TCP
 * connections to a node's client port, read from /proc (Linux). A reconnect shows as a new local port.
 * While the hub dials a frozen node, that connection shows too (the kernel accepts it; nothing answers).
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import type { NatsCluster } from '../../helpers/nats-cluster.ts';

export interface NodeSocket {
  node: string;
  localPort: number;
}

const ESTABLISHED = '01';

/** The hub's established connections to the cluster's client ports. */
export function nodeSockets(pid: number, cluster: NatsCluster): NodeSocket[] {
  const byPort = new Map(cluster.nodes.map((n) => [Number(new URL(n.url).port), n.name]));
  const inodes = socketInodes(pid);
  const found: NodeSocket[] = [];
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== ESTABLISHED || !inodes.has(f[9]!)) continue;
      const node = byPort.get(parseInt(f[2]!.split(':')[1]!, 16));
      if (node !== undefined) found.push({ node, localPort: parseInt(f[1]!.split(':')[1]!, 16) });
    }
  }
  return found;
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // Closed while it was being read.
    }
  }
  return inodes;
}

export interface SocketSample {
  at: number;
  sockets: NodeSocket[];
}

/** Samples nodeSockets every `everyMs` until stop(). */
export function watchNodeSockets(pid: number, cluster: NatsCluster, everyMs = 100): { stop(): SocketSample[] } {
  const samples: SocketSample[] = [];
  const sample = (): void => {
    try {
      samples.push({ at: Date.now(), sockets: nodeSockets(pid, cluster) });
    } catch {
      // The hub exited.
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}
