/** Running the fixture scripts in a child node process (tsx loader), optionally as another user. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The uid/gid of `nobody` when running as root (root bypasses file modes), else nothing. */
export function unprivileged(): { uid: number; gid: number } | undefined {
  return process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
}

/** Start a fixture script; `asUser` drops privileges (see unprivileged()). */
export function spawnFixture(name: string, args: string[], asUser?: { uid: number; gid: number }): ChildProcess {
  const script = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(asUser ?? {}),
  });
}

/** Collect stdout until the process exits; rejects with stderr on a non-zero exit. */
export function runFixture(name: string, args: string[], asUser?: { uid: number; gid: number }): Promise<string> {
  const child = spawnFixture(name, args, asUser);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${name} exited ${code}: ${err}`))));
  });
}

/** Resolve once the child prints `line`; rejects if it exits first. */
export function waitForLine(child: ChildProcess, line: string): Promise<void> {
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.split('\n').includes(line)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before "${line}": ${err}`)));
  });
}
