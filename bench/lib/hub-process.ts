/**
 * Real hub processes for the benchmarks and the fault suite: `node bin/hookhub.js start --config <file>`
 * as a child, ready once GET /healthz answers, killable with any signal (kill -9 included).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HOOKHUB_BIN = fileURLToPath(new URL('../../bin/hookhub.js', import.meta.url));
const RUN_TS_BIN = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A node child serving HTTP on `port`. */
export interface NodeProcess {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ChildExit>;
  /** Resident set size in bytes, read from /proc. */
  rssBytes(): number;
  /** CPU time (user + system, every thread) used so far, in ms, read from /proc. */
  cpuMs(): number;
  /** Sends `signal` and waits for the exit (SIGKILL after 10 s). */
  kill(signal?: NodeJS.Signals): Promise<ChildExit>;
}

export interface SpawnOptions {
  env?: Readonly<Record<string, string>>;
  /** More `hookhub start` flags, e.g. `['--role', 'router,worker']` (only for startHubProcess). */
  args?: readonly string[];
  nodeArgs?: readonly string[];
  /** How long to wait for the ready line. Default 30 s. */
  readyTimeoutMs?: number;
  cwd?: string;
  /** Run as this user (e.g. `nobody` when the tests run as root, which ignores file modes). */
  user?: { uid: number; gid: number };
}

/**
 * Starts `hookhub start --config <configFile>` (the config must name `port`) and resolves once
 * GET /healthz answers, whatever the log level.
 */
export async function startHubProcess(configFile: string, port: number, options: SpawnOptions = {}): Promise<NodeProcess> {
  const proc = spawnProcess([HOOKHUB_BIN, 'start', '--config', configFile, ...(options.args ?? [])], options);
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  let gone = false;
  void proc.exited.then(() => (gone = true));
  while (!gone && Date.now() < deadline) {
    if (await healthy(port)) return { ...proc, port, url: `http://127.0.0.1:${port}` };
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!gone) await proc.kill('SIGKILL');
  throw new Error(`hub did not become healthy on port ${port}${gone ? ' (it exited)' : ''}:\n${proc.output().slice(-4000)}`);
}

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Starts a TypeScript entry file (bench servers, load generators) that prints `{"ready":true,"port":…}`. */
export async function startTsProcess(file: string, args: readonly string[], options: SpawnOptions = {}): Promise<NodeProcess> {
  const proc = spawnProcess([RUN_TS_BIN, file, ...args], options);
  const timeout = options.readyTimeoutMs ?? 30_000;
  const line = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} not ready in ${timeout} ms:\n${proc.output()}`)), timeout);
    proc.onLine((l) => {
      if (l.ready !== true) return;
      clearTimeout(timer);
      resolve(l);
    });
    void proc.exited.then(() => reject(new Error(`${file} exited before it was ready:\n${proc.output()}`)));
  }).catch(async (err: unknown) => {
    await proc.kill('SIGKILL');
    throw err;
  });
  const port = Number(line.port);
  return { ...proc, port, url: `http://127.0.0.1:${port}` };
}

interface SpawnedProcess extends Omit<NodeProcess, 'port' | 'url'> {
  onLine(listener: (line: Record<string, unknown>) => void): void;
}

/** Keeps the last 256 KB of output: enough for failure messages, bounded for long benchmarks. */
const OUTPUT_LIMIT = 256 * 1024;

function spawnProcess(args: readonly string[], options: SpawnOptions): SpawnedProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.user ?? {}),
  });
  let output = '';
  let pending = '';
  const listeners: ((line: Record<string, unknown>) => void)[] = [];
  const exited = new Promise<ChildExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const keep = (text: string): void => {
    output = (output + text).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    keep(chunk.toString());
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const text of lines) {
      const line = listeners.length > 0 ? parseJsonLine(text) : undefined;
      if (line) for (const listener of listeners) listener(line);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => keep(chunk.toString()));
  return {
    pid: child.pid ?? -1,
    child,
    output: () => output,
    exited,
    onLine: (listener) => listeners.push(listener),
    rssBytes: () => readRss(child.pid ?? -1),
    cpuMs: () => readCpuMs(child.pid ?? -1),
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill(signal);
      const result = await exited;
      clearTimeout(force);
      return result;
    },
  };
}

function parseJsonLine(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** VmRSS of a process in bytes (0 when it is gone). */
export function readRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Clock ticks per second of /proc's CPU times: USER_HZ, 100 on Linux whatever the kernel's own tick rate. */
const USER_HZ = 100;

/** utime + stime of a process in ms (0 when it is gone). */
export function readCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return 0;
  }
}
