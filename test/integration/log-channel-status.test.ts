/**
 * `events show` for a rule that notifies a `log` channel: the rule reads delivered, the attempt reads `logged`, not an
 * HTTP status, and the message it would have posted is under it (hookhub.yaml points there to see it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { actions } from '../../src/actions/index.ts';
import { registerEventsCommand } from '../../src/cli/events-command.ts';
import { readEnv } from '../../src/config/env.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { createHubEvent } from '../../src/events/hub-event.ts';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { eventually, silentLogger, tempDir } from '../helpers/hub-fixtures.ts';
import { keepOpen } from '../helpers/keep-open-bus.ts';

let hub: RunningHub;

beforeAll(async () => {
  const dir = tempDir('hookhub-log-channel-');
  mkdirSync(join(dir, 'rules'));
  writeFileSync(
    join(dir, 'rules', 'dev.yaml'),
    'rules:\n  - name: to-dev\n    on: github.push\n    do:\n      - notify: { channel: dev, text: "pushed {{subject}}" }\n',
  );
  const yaml =
    'server: { port: 0, host: 127.0.0.1 }\nbus: { type: embedded, path: ./hookhub.db }\nconnectors:\n  github: { type: github, secret: s3cret-for-tests }\nchannels:\n  dev: { type: log }\nrules: ./rules\n';
  hub = await startHub({ config: parseConfig(join(dir, 'hookhub.yaml'), yaml, readEnv({})), logger: silentLogger });
});
afterAll(() => hub?.stop());

async function show(id: string): Promise<string> {
  let out = '';
  const program = new Command('hookhub').exitOverride();
  registerEventsCommand(program, {
    openBus: () => Promise.resolve(keepOpen(hub.bus)),
    loadRules: () => Promise.resolve(hub.rules.getRuleSet()),
    loadHidden: () => Promise.resolve({ values: new Set<string>(), warnings: [] }),
    registry: actions,
    write: (text) => void (out += text),
  });
  await program.parseAsync(['node', 'hookhub', 'events', 'show', id]);
  return out;
}

it('shows the rule as delivered and the log attempt as logged', async () => {
  const event = createHubEvent({ id: 'push-1', type: 'github.push', connector: 'github', subject: 'acme/api@main', data: {} });
  await hub.bus.publish('events', { id: event.id, subject: event.type, payload: event });
  const text = await eventually(
    async () => {
      const out = await show('push-1');
      return out.startsWith('github.push  delivered') ? out : undefined;
    },
    10_000,
    'the log channel delivery',
  );
  expect(text).toContain('rules:\n  to-dev: delivered\n');
  expect(text).toMatch(/#1 \S+ success logged \d+ ms\n {6}\| pushed acme\/api@main\n/);
  expect(text).not.toContain('HTTP');
});
