/** `hookhub start` on a port another process holds says which address, and how to free it or pick another port. */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../../bench/lib/hub-process.ts';
import { readEnv } from '../../src/config/env.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { startHub } from '../../src/hub.ts';
import { silentLogger, tempDir } from '../helpers/hub-fixtures.ts';

function run(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    // The port comes from the file: a PORT or HOOKHUB_* variable of the test run must not override it.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'PORT' && !k.startsWith('HOOKHUB_')));
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

it('names the address and what to do when the port is taken', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as AddressInfo).port;
  const dir = tempDir('hookhub-port-in-use-');
  const config = join(dir, 'hookhub.yaml');
  mkdirSync(join(dir, 'rules'));
  writeFileSync(
    config,
    `server: { port: ${port} }\nbus: { type: embedded, path: ./hub.db }\nconnectors:\n  github: { type: github, secret: s3cret-for-tests }\nrules: ./rules\n`,
  );
  try {
    const started = await run(['bin/hookhub.js', 'start', '--config', config]);
    expect(started.status).toBe(1);
    expect(started.stderr).toBe(
      `error: cannot listen on 127.0.0.1:${port}: another process is using that port. Stop it, or give this hub a free port with server.port in hookhub.yaml or the PORT environment variable\n`,
    );
  } finally {
    holder.close();
  }
}, 30_000);

it('stops what it started when it cannot listen: an in-process caller is left with nothing running', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as AddressInfo).port;
  const dir = tempDir('hookhub-port-in-use-');
  mkdirSync(join(dir, 'rules'));
  const yaml = `server: { port: ${port} }\nbus: { type: embedded, path: ./hub.db }\nconnectors:\n  github: { type: github, secret: s3cret-for-tests }\nrules: ./rules\n`;
  try {
    const config = parseConfig(join(dir, 'hookhub.yaml'), yaml, readEnv({}));
    await expect(startHub({ config, logger: silentLogger })).rejects.toThrow(/cannot listen on 127\.0\.0\.1:/);
    // SQLite removes the WAL file when its last connection closes: the hub closed its store.
    expect(existsSync(join(dir, 'hub.db'))).toBe(true);
    expect(existsSync(join(dir, 'hub.db-wal'))).toBe(false);
  } finally {
    holder.close();
  }
}, 30_000);
