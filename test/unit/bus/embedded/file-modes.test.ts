/** Secrets at rest: the embedded bus's folder and file are owner-only, whatever the umask. */
import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createEmbeddedBus } from '../../../../src/bus/embedded/embedded-bus.ts';
import { readOrCreateSecretFile } from '../../../../src/cli/secret-file.ts';

let dir = '';
const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookhub-modes-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

it('creates the data folders 0700 and the database, with its WAL, 0600', async () => {
  const path = join(dir, 'data', 'nested', 'hookhub.db');
  const bus = await createEmbeddedBus({ path });
  await bus.publish('events', { id: 'e1', subject: 'github.push', payload: { token: 'x' } });
  expect(await modeOf(join(dir, 'data'))).toBe(0o700);
  expect(await modeOf(join(dir, 'data', 'nested'))).toBe(0o700);
  expect(await modeOf(path)).toBe(0o600);
  expect(await modeOf(`${path}-wal`)).toBe(0o600);
  await bus.close();
});

it('tightens a database file left world-readable, and leaves an existing folder as it is', async () => {
  const folder = join(dir, 'existing');
  await mkdir(folder);
  await chmod(folder, 0o755);
  const path = join(folder, 'hookhub.db');
  const first = await createEmbeddedBus({ path });
  await first.close();
  await chmod(path, 0o644);
  const bus = await createEmbeddedBus({ path });
  expect(await modeOf(path)).toBe(0o600);
  expect(await modeOf(folder)).toBe(0o755);
  await bus.close();
});

it('creates the folder of a local secret file 0700', async () => {
  const file = join(dir, 'state', 'admin-token');
  await readOrCreateSecretFile(file, () => 'secret');
  expect(await modeOf(join(dir, 'state'))).toBe(0o700);
  expect(await modeOf(file)).toBe(0o600);
});

it('tightens a local secret file left world-readable (the admin token grants admin), as it does the database', async () => {
  const file = join(dir, 'state', 'admin-token');
  await readOrCreateSecretFile(file, () => 'secret');
  // Restored from a backup, or copied with cp under umask 022.
  await chmod(file, 0o644);
  expect(await readOrCreateSecretFile(file, () => 'other')).toBe('secret');
  expect(await modeOf(file)).toBe(0o600);
});
