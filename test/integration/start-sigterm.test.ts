/**
 * A supervisor stops the hub with SIGTERM to the process it started (`docker stop`, systemd), and a person
 * with Ctrl-C, which signals every process of the terminal's foreground group: whether that is `npm start`
 * or `hookhub start`, the hub's own shutdown must run (stop taking webhooks, finish, close the store) and
 * the process exit 0, rather than npm leaving without it or the hub being killed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { writeHubConfig } from '../../bench/lib/hub-config.ts';
import { REPO_ROOT } from '../../bench/lib/hub-process.ts';
import { eventually, tempDir } from '../helpers/hub-fixtures.ts';

/** Every process under `pid` (npm's shell, the hub), read from the process table. */
function descendantsOf(pid: number): number[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((row) => row.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  for (let parents = [pid]; parents.length > 0;) {
    parents = table.filter(([, ppid]) => parents.includes(ppid ?? -1)).map(([child]) => child ?? -1);
    found.push(...parents);
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts `command args` in the repository with a hub config in a fresh data folder; stdout's JSON log lines are parsed. */
function startInDataFolder(command: string, args: (config: string) => string[], ownGroup: boolean) {
  const dir = tempDir('hookhub-sigterm-');
  const config = writeHubConfig({ dir, bus: { type: 'embedded', path: join(dir, 'hookhub.db') } });
  // The port and data folder come from the file: a PORT or HOOKHUB_* variable of the test run must not override them.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'PORT' && !k.startsWith('HOOKHUB_')));
  const child = spawn(command, args(config), { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: ownGroup });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const messages = (): string[] =>
    stdout
      .slice(0, stdout.lastIndexOf('\n'))
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
  return { dir, child, exited, messages, stderr: () => stderr };
}

type Stop = 'SIGTERM' | 'Ctrl-C';

async function expectGracefulStop(command: string, args: (config: string) => string[], stop: Stop = 'SIGTERM'): Promise<void> {
  const started = startInDataFolder(command, args, stop === 'Ctrl-C');
  let processes: number[] = [];
  try {
    await eventually(() => started.messages().some((m) => m.startsWith('hookhub listening')), 30_000, 'the hub to start');
    processes = [started.child.pid ?? -1, ...descendantsOf(started.child.pid ?? -1)];
    // Ctrl-C: the terminal sends SIGINT to every process of the foreground group, here the child's own.
    if (stop === 'Ctrl-C') process.kill(-(started.child.pid ?? -1), 'SIGINT');
    else started.child.kill('SIGTERM');
    const hung = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 20_000).unref());
    expect(await Promise.race([started.exited, hung]), started.stderr()).toEqual({ code: 0, signal: null });
    expect(started.messages()).toContain('shutting down');
    // tsx's esbuild service, a child of the hub, leaves on its own once the hub's end closes its pipe: a moment after.
    await eventually(() => processes.filter(alive).length === 0, 10_000, `no process left of ${processes.join(', ')}`);
    // SQLite removes the WAL file when its last connection closes: the hub closed its store.
    expect(existsSync(join(started.dir, 'hookhub.db-wal'))).toBe(false);
  } finally {
    for (const pid of processes.filter(alive)) process.kill(pid, 'SIGKILL');
  }
}

it("npm start: SIGTERM to npm runs the hub's shutdown, and npm exits 0", async () => {
  await expectGracefulStop('npm', (config) => ['start', '--silent', '--', '--config', config]);
}, 60_000);

it("npm start: Ctrl-C (SIGINT to npm and the hub, which npm forwards again) runs the hub's shutdown, and npm exits 0", async () => {
  await expectGracefulStop('npm', (config) => ['start', '--silent', '--', '--config', config], 'Ctrl-C');
}, 60_000);

it('hookhub start: SIGTERM runs its shutdown, and it exits 0', async () => {
  await expectGracefulStop(process.execPath, (config) => ['bin/hookhub.js', 'start', '--config', config]);
}, 60_000);
