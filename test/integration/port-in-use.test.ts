/**
 * `hookhub start` refused its address (a port another process holds, a port below 1024 without the privilege,
 * a host that is not this machine's) says which address, and what to change.
 */
import { spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../../bench/lib/hub-process.ts';
import { readEnv } from '../../src/config/env.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { startHub } from '../../src/hub.ts';
import { silentLogger, tempDir } from '../helpers/hub-fixtures.ts';

function run(args: string[], user: { uid?: number; gid?: number } = {}): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    // The port comes from the file: a PORT or HOOKHUB_* variable of the test run must not override it.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'PORT' && !k.startsWith('HOOKHUB_')));
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], ...user });
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

function writeConfig(dir: string, server: string): string {
  const config = join(dir, 'hookhub.yaml');
  mkdirSync(join(dir, 'rules'));
  writeFileSync(
    config,
    `server: ${server}\nbus: { type: embedded, path: ./hub.db }\nconnectors:\n  github: { type: github, secret: s3cret-for-tests }\nrules: ./rules\n`,
  );
  return config;
}

it('says a port below 1024 needs privileges, and what to do instead', async () => {
  const dir = tempDir('hookhub-low-port-');
  const config = writeConfig(dir, '{ port: 80 }');
  // Root may bind port 80: the hub then runs as an unprivileged user, which owns the data directory.
  const unprivileged = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  if (unprivileged.uid !== undefined) {
    for (const path of [dir, join(dir, 'rules'), config]) chownSync(path, unprivileged.uid, unprivileged.gid);
  }
  const started = await run(['bin/hookhub.js', 'start', '--config', config], unprivileged);
  expect(started.status).toBe(1);
  expect(started.stderr).toBe(
    'error: cannot listen on 127.0.0.1:80: ports below 1024 need privileges this process lacks. Give this hub a port of 1024 or above with server.port in hookhub.yaml or the PORT environment variable (a reverse proxy can take the low port), or grant the process the CAP_NET_BIND_SERVICE capability\n',
  );
}, 30_000);

it('says server.host is not an address of this machine', async () => {
  // 192.0.2.0/24 is reserved for documentation (RFC 5737): no machine has it.
  const config = writeConfig(tempDir('hookhub-foreign-host-'), '{ host: 192.0.2.1, port: 8080 }');
  const started = await run(['bin/hookhub.js', 'start', '--config', config]);
  expect(started.status).toBe(1);
  expect(started.stderr).toBe(
    'error: cannot listen on 192.0.2.1:8080: 192.0.2.1 is not an address of this machine. Set server.host in hookhub.yaml to one of its addresses (127.0.0.1 for this machine only, 0.0.0.0 for every interface)\n',
  );
}, 30_000);
