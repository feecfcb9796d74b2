import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actions } from '../../src/actions/index.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { registerDlqCommand } from '../../src/cli/dlq-command.ts';
import { registerEventsCommand } from '../../src/cli/events-command.ts';
import { environmentValuesOf } from '../../src/operations/event-view.ts';
import { eventually } from '../helpers/hub-fixtures.ts';
import { prPayload, startApiHub, type ApiHub } from './api-harness.ts';
import { keepOpen } from '../helpers/keep-open-bus.ts';

let hub: ApiHub;
let up = false;

/** Runs `hookhub <args>` against the harness's bus (left open: the harness owns it). */
async function run(...args: string[]): Promise<string> {
  let out = '';
  const program = new Command('hookhub').exitOverride();
  const openBus = (): Promise<EventBus> => Promise.resolve(keepOpen(hub.bus));
  const write = (text: string) => void (out += text);
  const loadHidden = () => Promise.resolve({ values: environmentValuesOf(hub.ruleSet), warnings: [] });
  registerEventsCommand(program, { openBus, loadRules: () => Promise.resolve(hub.ruleSet), loadHidden, registry: actions, write });
  registerDlqCommand(program, { openBus, loadHidden, write });
  await program.parseAsync(['node', 'hookhub', ...args]);
  return out;
}

beforeAll(async () => {
  hub = await startApiHub();
  hub.sink.reply = () => (up ? { status: 200 } : { status: 400 });
  await hub.sendGithub('pull_request', prPayload(11), 'cli-1');
  // The worker stores the dead letter, then records it on the job: the status reads the record.
  const deadRecorded = async () => (await hub.bus.records('cli-1:forward-github:0')).some((r) => r.kind === 'dead-letter');
  await eventually(async () => (await hub.bus.deadLetters()).length === 1 && (await deadRecorded()), 10_000, 'a dead letter');
});
afterAll(() => hub.stop());

describe('hookhub events (the API code paths)', () => {
  it('lists with filters, as a table or JSON', async () => {
    const table = await run('events', 'list', '--type', 'github.**');
    expect(table.split('\n')[0]).toMatch(/^RECEIVED\s+TYPE\s+CONNECTOR\s+SUBJECT\s+STATUS\s+ID$/);
    expect(table).toMatch(/github\.pull_request\.opened\s+github\s+acme\/api#11\s+failed\s+cli-1/);
    const json = JSON.parse(await run('events', 'list', '--status', 'failed', '--json')) as { events: { id: string }[] };
    expect(json.events.map((e) => e.id)).toEqual(['cli-1']);
    expect(await run('events', 'list', '--connector', 'stripe')).toBe('no events match\n');
    await expect(run('events', 'list', '--status', 'bogus')).rejects.toThrow('--status must be one of');
  });

  it('shows one event with its attempts', async () => {
    const text = await run('events', 'show', 'cli-1');
    expect(text).toContain('github.pull_request.opened  failed');
    expect(text).toMatch(/cli-1:forward-github:0 {2}dead: permanent failure: HTTP 400/);
    expect(text).toMatch(/#1 \S+ failed HTTP 400 \d+ ms/);
    expect(text).toContain('rules:\n  forward-github: failed\n');
    await expect(run('events', 'show', 'nope')).rejects.toThrow('no event with id "nope"');
  });

  it('replays: a dry run first, then for real; dlq list agrees', async () => {
    expect(await run('dlq', 'list')).toContain('cli-1:forward-github:0');
    expect(await run('dlq', 'purge', '--before', '1h')).toMatch(/^purged 0 dead letter\(s\) from before /);
    await expect(run('dlq', 'purge')).rejects.toThrow(/--before/);
    expect(await run('events', 'replay', 'cli-1', '--dry-run')).toBe(
      'requeued             cli-1:forward-github:0\ndry run: nothing was sent\n',
    );
    up = true;
    expect(await run('events', 'replay', 'cli-1')).toContain('1 job(s) queued for delivery');
    await eventually(async () => (await run('events', 'list', '--status', 'delivered')).includes('cli-1'), 10_000, 'delivered');
    expect(await run('dlq', 'list')).toBe('no dead letters\n');
  });
});
