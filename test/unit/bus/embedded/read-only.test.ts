/**
 * Read-only storage. Root ignores file modes, so when the tests run as root the bus is
 * opened by a child process running as `nobody`.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createEmbeddedBus } from '../../../../src/bus/embedded/embedded-bus.ts';
import { runFixture, unprivileged } from './child-process.ts';

let dir = '';
let path = '';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookhub-readonly-'));
  path = join(dir, 'data', 'hookhub.db');
  const bus = await createEmbeddedBus({ path });
  await bus.publish('events', { id: 'kept', subject: 'github.push', payload: {} });
  await bus.close();
  await chmod(dir, 0o755);
});

afterEach(async () => {
  await chmod(join(dir, 'data'), 0o755);
  await rm(dir, { recursive: true, force: true });
});

interface ErrorInfo {
  name: string;
  message: string;
}

/** What fixtures/status-probe.ts prints. */
interface ProbeResult {
  opened: boolean;
  error: ErrorInfo;
  readable: boolean;
  status: { ok: boolean; detail?: string };
  after: { ok: boolean };
  published: { ok: boolean; error: ErrorInfo };
}

async function probe(file: string): Promise<ProbeResult> {
  return JSON.parse(await runFixture('status-probe.ts', [file], unprivileged())) as ProbeResult;
}

it('refuses to open a read-only data folder, naming the file and the fix', async () => {
  await chmod(path, 0o444);
  await chmod(join(dir, 'data'), 0o555);
  const result = await probe(path);
  expect(result.opened).toBe(false);
  expect(result.error.name).toBe('EmbeddedStorageError');
  expect(result.error.message).toContain(path);
  expect(result.error.message).toMatch(/read-only.*writable/);
});

it('refuses to create a new data file in a read-only folder', async () => {
  await chmod(join(dir, 'data'), 0o555);
  const fresh = join(dir, 'data', 'new.db');
  const result = await probe(fresh);
  expect(result.opened).toBe(false);
  expect(result.error.message).toContain(fresh);
});

it('opens a read-only data file for reading, reports not ok, and rejects publishes clearly', async () => {
  await chmod(path, 0o444);
  await chmod(join(dir, 'data'), 0o777);
  const result = await probe(path);
  expect(result.opened).toBe(true);
  expect(result.readable).toBe(true);
  expect(result.status.ok).toBe(false);
  expect(result.status.detail).toContain(path);
  expect(result.published.ok).toBe(false);
  expect(result.published.error.name).toBe('EmbeddedStorageError');
  expect(result.published.error.message).toMatch(new RegExp(`${path}.*SQLITE_READONLY.*read-only`));
  expect(result.after.ok).toBe(false);
});
