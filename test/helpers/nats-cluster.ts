/**
 * A 3-node JetStream cluster on loopback: three nats-server processes with cluster routes to each
 * other, each with its own JetStream folder and free ports. Works with Debian's nats-server 2.9.
 * Each node runs with the settings of deploy/nats-cluster.conf that are not about names, ports and folders.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { freePort, requireNatsServer, spawnServer, stopProcess } from './nats-server.ts';

export interface ClusterNode {
  /** The server_name JetStream reports as a stream's leader (`n1`…). */
  name: string;
  url: string;
  storeDir: string;
  /** Whether the process is still running. */
  running(): boolean;
  /** kill -9; the node stays down. */
  kill(): Promise<void>;
}

export interface NatsCluster {
  /** Every node's URL, comma-separated (what bus.url takes). */
  url: string;
  nodes: readonly ClusterNode[];
  node(name: string): ClusterNode;
  /** The server currently leading a stream (asked through any node that is up). */
  leaderOf(stream: string): Promise<string>;
  /** Stops every node and removes their folders. */
  stop(): Promise<void>;
}

export interface NatsClusterOptions {
  /** nats-server configuration text every node loads (`-c`); the command-line flags win over it. Default: deployedTuning(). */
  config?: string;
}

/** What the users' cluster configuration tunes and the tests must run too (the rest is names, ports and folders). */
const TUNED = ['write_deadline'];

/** Those top-level settings of deploy/nats-cluster.conf, as configuration text. */
export function deployedTuning(): string {
  const conf = readFileSync(fileURLToPath(new URL('../../deploy/nats-cluster.conf', import.meta.url)), 'utf8');
  return conf
    .split('\n')
    .filter((line) => TUNED.some((key) => line.startsWith(`${key}:`)))
    .join('\n');
}

export async function startNatsCluster(size = 3, options: NatsClusterOptions = {}): Promise<NatsCluster> {
  const bin = requireNatsServer();
  const ports = await Promise.all(Array.from({ length: size }, async () => ({ client: await freePort(), route: await freePort() })));
  const routes = ports.map((p) => `nats://127.0.0.1:${p.route}`);
  const nodes = await Promise.all(
    ports.map(async (p, i) => {
      const name = `n${i + 1}`;
      const storeDir = await mkdtemp(join(tmpdir(), `hookhub-cluster-${name}-`));
      const args = [
        '-js',
        '-a',
        '127.0.0.1',
        '-p',
        String(p.client),
        '-sd',
        storeDir,
        '--server_name',
        name,
        '--cluster_name',
        'hookhub-test',
        '--cluster',
        routes[i]!,
        '--routes',
        routes.filter((_, j) => j !== i).join(','),
      ];
      const file = join(storeDir, 'server.conf');
      await writeFile(file, options.config ?? deployedTuning());
      args.push('-c', file);
      return createNode(name, `nats://127.0.0.1:${p.client}`, storeDir, await spawnServer(bin, args, p.client));
    }),
  );
  const cluster: NatsCluster = {
    url: nodes.map((n) => n.url).join(','),
    nodes,
    node: (name) => {
      const found = nodes.find((n) => n.name === name);
      if (!found) throw new Error(`no cluster node ${name}`);
      return found;
    },
    leaderOf: (stream) => askAnyNode(nodes, async (jsm) => (await jsm.streams.info(stream)).cluster?.leader ?? ''),
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
  // JetStream needs a meta leader (a quorum of routed servers) before it answers anything.
  await waitFor(() => askAnyNode(nodes, async (jsm) => (await jsm.getAccountInfo()).streams >= 0), 30_000);
  return cluster;
}

function createNode(name: string, url: string, storeDir: string, child: ChildProcess): ClusterNode & { stop(): Promise<void> } {
  let alive = true;
  const end = async (signal: NodeJS.Signals) => {
    if (!alive) return;
    alive = false;
    await stopProcess(child, signal);
  };
  return {
    name,
    url,
    storeDir,
    running: () => alive,
    kill: () => end('SIGKILL'),
    async stop() {
      await end('SIGTERM');
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}

type Jsm = Awaited<ReturnType<typeof jetstreamManager>>;

async function askAnyNode<T>(nodes: readonly ClusterNode[], ask: (jsm: Jsm) => Promise<T>): Promise<T> {
  const nc = await connect({ servers: nodes.filter((n) => n.running()).map((n) => n.url), timeout: 2_000 });
  try {
    return await ask(await jetstreamManager(nc, { timeout: 2_000 }));
  } finally {
    await nc.close();
  }
}

async function waitFor(check: () => Promise<unknown>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`JetStream cluster not ready in ${timeoutMs} ms: ${(err as Error).message}`, { cause: err });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
