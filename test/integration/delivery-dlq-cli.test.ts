/** `hookhub dlq list|retry` against a real embedded bus file. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerDlqCommand } from '../../src/cli/dlq-command.ts';
import { REPUBLISH_CLAIMS_BUCKET } from '../../src/actions/runtime/republish-claim.ts';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import type { DeadLetter, EventBus } from '../../src/bus/event-bus.ts';
import { makeJob } from './delivery-harness.ts';

let dir: string;
let path: string;
const now = new Date('2030-01-02T12:00:00Z');
let hidden = new Set<string>();
let warnings: string[] = [];
let stderr = '';
/** What the last run wrote to stdout, also when it failed. */
let out = '';

async function run(...args: string[]): Promise<string> {
  out = '';
  const program = new Command('hookhub').exitOverride();
  registerDlqCommand(program, {
    openBus: () => createEmbeddedBus({ path }),
    loadHidden: () => Promise.resolve({ values: hidden, warnings }),
    write: (text) => (out += text),
    warn: (text) => (stderr += text),
    now: () => now,
  });
  await program.parseAsync(['node', 'hookhub', 'dlq', ...args]);
  return out;
}

async function reopened<T>(read: (bus: EventBus) => Promise<T>): Promise<T> {
  const bus = await createEmbeddedBus({ path });
  try {
    return await read(bus);
  } finally {
    await bus.close();
  }
}

async function seed(letters: { id: string; time: string }[]): Promise<void> {
  const bus = await createEmbeddedBus({ path });
  for (const { id, time } of letters) {
    const job = makeJob('webhook', { url: 'https://example.com' }, id);
    await bus.deadLetter({
      id,
      subject: 'webhook',
      payload: job,
      reason: 'permanent failure: HTTP 400',
      time,
      attempts: [{ attempt: 1, status: 400 }],
    });
  }
  await bus.close();
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookhub-dlq-'));
  path = join(dir, 'hookhub.db');
  await seed([
    { id: 'old:r:0', time: '2030-01-01T00:00:00.000Z' },
    { id: 'new:r:0', time: '2030-01-02T11:30:00.000Z' },
  ]);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  hidden = new Set();
  warnings = [];
  stderr = '';
});

describe('hookhub dlq', () => {
  it("list --json prints each letter's job with its params masked as the event page masks them, and says what it could not know", async () => {
    const KEY = 'routing-key-from-the-env-0123';
    const bus = await createEmbeddedBus({ path });
    const params = {
      url: 'https://hooks.example.com/services/T/B/XXXX',
      headers: { Authorization: 'Bearer tok-0123456789' },
      body: { key: KEY },
    };
    const job = makeJob('webhook', params, 'ev:r:0');
    await bus.deadLetter({
      id: job.id,
      subject: 'webhook',
      payload: job,
      reason: 'permanent failure: HTTP 401',
      time: now.toISOString(),
      attempts: [],
    });
    await bus.close();
    hidden = new Set([KEY]);
    warnings = ['the rule files take PD_KEY from the environment, unset here: …'];
    const json = await run('list', '--json');
    expect(json).not.toContain(KEY);
    expect(json).not.toContain('services/T/B/XXXX');
    expect(json).not.toContain('tok-0123456789');
    const letter = (JSON.parse(json) as DeadLetter[]).find((l) => l.id === 'ev:r:0');
    expect((letter?.payload as { params: unknown }).params).toEqual({
      url: 'https://hooks.example.com/[redacted, 17 chars]',
      headers: { Authorization: '[redacted, 21 chars]' },
      body: { key: `[redacted, ${KEY.length} chars]` },
    });
    expect(stderr).toBe('warning: the rule files take PD_KEY from the environment, unset here: …\n');
    // The letter keeps its job whole: a retry sends it as it was.
    const stored = await createEmbeddedBus({ path });
    expect((await stored.getDeadLetter('ev:r:0'))?.payload).toEqual(job);
    await stored.close();
  });

  it('lists dead letters as a table, or JSON', async () => {
    const table = await run('list');
    expect(table.split('\n')[0]).toMatch(/^ID\s+DEAD SINCE\s+ACTION\s+ATTEMPTS\s+REASON$/);
    expect(table).toContain('old:r:0');
    expect(table).toContain('permanent failure: HTTP 400');
    const json = JSON.parse(await run('list', '--json')) as DeadLetter[];
    expect(json.map((l) => l.id)).toEqual(['old:r:0', 'new:r:0']);
  });

  it('filters with --since as a duration or a date', async () => {
    expect((JSON.parse(await run('list', '--json', '--since', '2h')) as DeadLetter[]).map((l) => l.id)).toEqual(['new:r:0']);
    expect(JSON.parse(await run('list', '--json', '--since', '2030-01-01T00:00:00Z')) as DeadLetter[]).toHaveLength(2);
  });

  it('retries one by id, and the rest with --all --since', async () => {
    expect(await run('retry', 'old:r:0')).toBe('retried old:r:0\n1 job(s) queued for delivery\n');
    expect(JSON.parse(await run('retry', '--all', '--since', '1d', '--json'))).toEqual([{ id: 'new:r:0', subject: 'webhook' }]);
    expect(await run('list')).toBe('no dead letters\n');
    const bus = await createEmbeddedBus({ path });
    const queued = await bus.query({ stream: 'jobs' });
    await bus.close();
    expect(queued.map((m) => m.id).sort()).toEqual(['new:r:0', 'old:r:0']);
    // Who retried it stays in the job's history (the event page shows it).
    const records = await reopened((bus) => bus.records('old:r:0'));
    expect(records.find((r) => r.kind === 'replay')?.data.by).toBe('cli');
  });

  it('refuses ambiguous or empty selections and unknown ids', async () => {
    await expect(run('retry')).rejects.toThrow(/give a dead letter id, or --all/);
    await expect(run('retry', 'x', '--all')).rejects.toThrow(/not both/);
    await expect(run('retry', 'missing:r:0')).rejects.toThrow(/no dead letter with id "missing:r:0"/);
    await expect(run('list', '--since', 'yesterday-ish')).rejects.toThrow(/^--since: "yesterday-ish" is neither a date/);
  });

  it('refuses a letter another retry or replay holds, saying when to try again, and leaves it', async () => {
    const bus = await createEmbeddedBus({ path });
    await bus.kv(REPUBLISH_CLAIMS_BUCKET).put('old:r:0', { at: now.getTime() }, { revision: 0 });
    await bus.close();
    await expect(run('retry', 'old:r:0')).rejects.toThrow(/"old:r:0" is held by another retry or replay .*60 s.*try again in a minute/);
    expect(JSON.parse(await run('list', '--json')) as DeadLetter[]).toHaveLength(2);
  });

  it('retry --all retries the rest, then fails naming the letters another retry held', async () => {
    const bus = await createEmbeddedBus({ path });
    await bus.kv(REPUBLISH_CLAIMS_BUCKET).put('old:r:0', { at: now.getTime() }, { revision: 0 });
    await bus.close();
    await expect(run('retry', '--all')).rejects.toThrow(
      /^1 dead letter\(s\) not retried: another retry or replay held them.*\(old:r:0\)\. Run the command again in a minute/,
    );
    expect(out).toBe('retried new:r:0\n1 job(s) queued for delivery\n');
    expect((JSON.parse(await run('list', '--json')) as DeadLetter[]).map((l) => l.id)).toEqual(['old:r:0']);
  });

  it('names the flag the user gave when its time is wrong', async () => {
    await expect(run('purge', '--before', 'soon')).rejects.toThrow(/^--before: "soon" is neither a date/);
    // Meant as 30 days, read as 30 ms, it would purge every letter.
    await expect(run('purge', '--before', '30')).rejects.toThrow(/^--before: "30" has no unit/);
    expect(JSON.parse(await run('list', '--json')) as DeadLetter[]).toHaveLength(2);
  });
});
