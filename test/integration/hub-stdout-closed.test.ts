/**
 * A hub whose stdout reader goes away (`hookhub start | head -1`) keeps serving, and SIGTERM still ends it
 * with its graceful shutdown: the log lines still buffered then must not hold the process at exit. Nor
 * must they when the process crashes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeHubConfig } from '../../bench/lib/hub-config.ts';
import { REPO_ROOT } from '../../bench/lib/hub-process.ts';
import { freePort } from '../../bench/lib/run-child.ts';
import { eventually, tempDir } from '../helpers/hub-fixtures.ts';

/**
 * A real pipe, as a shell's `|` makes. Not spawn's 'pipe': that is a socket pair, and an empty write
 * to a socket with no reader fails at once, which hides the defect.
 */
function openFifo(dir: string): { reader: number; writer: number; read(): string } {
  const path = join(dir, 'stdout.fifo');
  spawnSync('mkfifo', [path]);
  const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(path, constants.O_WRONLY);
  let text = '';
  const chunk = Buffer.alloc(64 * 1024);
  return {
    reader,
    writer,
    read() {
      try {
        text += chunk.toString('utf8', 0, readSync(reader, chunk));
      } catch {
        // EAGAIN: nothing new yet.
      }
      return text;
    },
  };
}

/** Node with the FIFO as its stdout; the parent's copy of the writing end is closed. */
function spawnOnFifo(args: string[], fifo: { writer: number }) {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', fifo.writer, 'pipe'] });
  closeSync(fifo.writer);
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stderr: () => stderr };
}

describe('hub with a closed stdout', () => {
  it('exits promptly on SIGTERM, after saying on stderr that stdout is gone', async () => {
    const port = await freePort();
    const dir = tempDir('hookhub-stdout-closed-');
    const file = writeHubConfig({ dir, bus: { type: 'embedded', path: join(dir, 'hookhub.db') }, port });
    const fifo = openFifo(dir);
    const { child, exited, stderr } = spawnOnFifo(['bin/hookhub.js', 'start', '--config', file], fifo);
    try {
      // The startup lines have reached the pipe; then its reader goes, as `head -1` does.
      await eventually(() => fifo.read().includes('dashboard:'), 30_000, 'the startup log lines');
      closeSync(fifo.reader);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGTERM');
      const hung = new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000).unref());
      expect(await Promise.race([exited, hung]), stderr()).toEqual({ code: 0, signal: null });
      expect(stderr()).toContain('hookhub: stdout was closed (EPIPE); log lines are dropped from now on');
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);

  it('exits on an uncaught exception whose last log line has not been written yet', async () => {
    const dir = tempDir('hookhub-stdout-crash-');
    const fifo = openFifo(dir);
    const { child, exited, stderr } = spawnOnFifo(['bin/run-ts.js', 'test/helpers/crash-after-log.ts'], fifo);
    try {
      await eventually(() => fifo.read().includes('"ready"'), 30_000, 'the first log line');
      closeSync(fifo.reader);
      child.kill('SIGUSR2');
      const hung = new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000).unref());
      expect(await Promise.race([exited, hung]), stderr()).toEqual({ code: 1, signal: null });
      expect(stderr()).toContain('crash for the test');
      expect(stderr()).toContain('hookhub: stdout was closed (EPIPE); log lines are dropped from now on');
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
