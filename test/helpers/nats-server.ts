import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { findBinary } from './find-binary.ts';

/** A nats-server child process with JetStream, on its own port and temp store dir. */
export interface NatsServerHandle {
  /** `nats://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** JetStream store dir (`-sd`); survives halt/kill/restart, removed by stop(). */
  storeDir: string;
  /** Graceful shutdown (SIGTERM) and removal of the store dir. Call once, at the end. */
  stop(): Promise<void>;
  /** Graceful shutdown (SIGTERM) that keeps the store dir, so restart() can bring it back. */
  halt(): Promise<void>;
  /** Start again on the same port with the same store dir (stops it first if it is running). */
  restart(): Promise<void>;
  /** The running server's process id (undefined while it is stopped). */
  pid(): number | undefined;
  /** SIGKILL (a crash); keeps the store dir. */
  kill(): Promise<void>;
}

const INSTALL_HINT =
  'nats-server was not found on PATH. The NATS test suites need a real nats-server (2.9+) with JetStream. ' +
  'Install it with `apt-get install -y nats-server` (Debian/Ubuntu) or download it from ' +
  'https://github.com/nats-io/nats-server/releases and put it on PATH.';

/** Whether a `nats-server` executable is on PATH. */
export function natsServerAvailable(): boolean {
  return findBinary('nats-server') !== undefined;
}

/** Throws a loud, actionable Error when nats-server is missing. NATS suites never skip silently. */
export function requireNatsServer(): string {
  const bin = findBinary('nats-server');
  if (bin === undefined) throw new Error(INSTALL_HINT);
  return bin;
}

export interface NatsServerOptions {
  /** nats-server configuration text (auth, tls…), written to a file in the store dir and passed with `-c`. */
  config?: string;
  /** More command-line flags (e.g. `--auth <token>`); they win over the config file. */
  args?: readonly string[];
}

/** Spawns `nats-server -js` on a free port with a fresh temp store dir and waits until JetStream is ready. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const bin = requireNatsServer();
  const storeDir = await mkdtemp(join(tmpdir(), 'hookhub-nats-'));
  const extra = [...(options.args ?? [])];
  if (options.config !== undefined) {
    const file = join(storeDir, 'server.conf');
    await writeFile(file, options.config);
    extra.push('-c', file);
  }
  let port = 0;
  let child: ChildProcess | undefined;
  let lastError: unknown;
  const serverArgs = (): string[] => ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir, ...extra];
  // A freshly probed port can be taken by a parallel suite before the server binds it: retry.
  for (let attempt = 0; attempt < 5 && child === undefined; attempt++) {
    port = await freePort();
    try {
      child = await spawnServer(bin, serverArgs(), port);
    } catch (err) {
      lastError = err;
    }
  }
  if (child === undefined) {
    await rm(storeDir, { recursive: true, force: true });
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  }
  let current: ChildProcess | undefined = child;
  const terminate = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = current;
    current = undefined;
    if (proc !== undefined) await stopProcess(proc, signal);
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    async stop() {
      await terminate('SIGTERM');
      await rm(storeDir, { recursive: true, force: true });
    },
    pid: () => current?.pid,
    halt: () => terminate('SIGTERM'),
    kill: () => terminate('SIGKILL'),
    async restart() {
      await terminate('SIGTERM');
      current = await spawnServer(bin, serverArgs(), port);
    },
  };
}

/**
 * One nats-server for the current test file: registers beforeAll/afterAll and returns an accessor.
 * A start failure (such as the missing-binary hint) is thrown by the accessor inside each test,
 * so it shows up as failed tests, never as skipped ones.
 */
export function useNatsServer(options: NatsServerOptions = {}): () => NatsServerHandle {
  let server: NatsServerHandle | undefined;
  let failure: unknown;
  beforeAll(async () => {
    try {
      server = await startNatsServer(options);
    } catch (err) {
      failure = err;
    }
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (server !== undefined) return server;
    if (failure instanceof Error) throw failure;
    throw new Error('nats-server is not started yet: use the accessor inside tests or hooks', { cause: failure });
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the process and resolves once it logged "Server is ready" and the client port accepts connections. */
export async function spawnServer(bin: string, args: readonly string[], port: number): Promise<ChildProcess> {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Server is ready')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`nats-server exited early (code ${code}, signal ${signal}):\n${output}`)));
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    await ready;
    await waitForPort(port);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  } finally {
    clearTimeout(timeout);
  }
  // Keep draining the pipes so a chatty server never blocks on a full buffer.
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nats-server did not accept connections on port ${port} within 10 s`);
}

export function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}
