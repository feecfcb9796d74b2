/** Runs a TypeScript entry file as a separate process to completion and parses the last JSON line it printed. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './hub-process.ts';

const RUN_TS_BIN = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));

/** Runs `file args…` and resolves with its last JSON stdout line; kills it after `timeoutMs`. */
export function runTsJson<T>(file: string, args: readonly string[], timeoutMs: number): Promise<T> {
  const child = spawn(process.execPath, [RUN_TS_BIN, file, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise<T>((resolve, reject) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(`exit code ${code}, signal ${signal}`);
        resolve(JSON.parse(last) as T);
      } catch (error) {
        reject(new Error(`${file} failed (${(error as Error).message}):\n${err.slice(-3000)}\n${out.slice(-1000)}`));
      }
    });
  });
}

/** A port that was free a moment ago (for a server whose URL must be known before it starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
