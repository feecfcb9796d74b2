/**
 * `chat`, `subscription-command` and `review-reminder` run only the rules the hub makes itself (chat
 * subscriptions, reminders). A rule file that names one gets the same file:line error from `start` and
 * `rules validate`, and both list only the types docs/actions.md documents.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadRulesCommandContext } from '../../src/cli/rules-context.ts';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { formatDiagnostic } from '../../src/rules/diagnostics.ts';
import { loadRuleSet } from '../../src/rules/load-rule-set.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { readEnv } from '../../src/config/env.ts';
import { silentLogger, tempDir } from '../helpers/hub-fixtures.ts';

const USER_TYPES = 'available: notify, webhook, ci, report, crosspost';
let hub: RunningHub | undefined;
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
});

/** What `start` refuses with; a hub that starts anyway is stopped after the test. */
async function startRefusal(file: string): Promise<string> {
  try {
    hub = await startHub({ config: await loadConfig(file, readEnv({})), logger: silentLogger });
    return 'started';
  } catch (err) {
    return (err as Error).message;
  }
}

function writeHub(action: string): { file: string; rule: string } {
  const dir = tempDir('hookhub-internal-actions-');
  mkdirSync(join(dir, 'rules'));
  const rule = join(dir, 'rules', 'a.yaml');
  writeFileSync(rule, `rules:\n  - name: a\n    on: [github.push]\n    do:\n      - ${action}\n`);
  const file = join(dir, 'hookhub.yaml');
  writeFileSync(
    file,
    'server: { port: 0 }\nbus: { type: embedded, path: ./hub.db }\nconnectors:\n  github: { type: github, secret: s3cret-for-tests }\nchannels:\n  eng: { type: log }\nrules: ./rules\n',
  );
  return { file, rule };
}

it.each([
  ['chat', 'chat: { subscription: s1, feature: pushes }'],
  ['subscription-command', 'subscription-command: {}'],
  ['review-reminder', 'review-reminder: {}'],
])('refuses %s in a rule file with the same message from start and rules validate', async (type, action) => {
  const { file, rule } = writeHub(action);
  const expected = `${rule}:5:9: unknown action type "${type}"; ${USER_TYPES}`;

  const ctx = await loadRulesCommandContext({ config: file });
  const validated = await loadRuleSet(ctx.rulesDir, ctx);
  expect(validated.diagnostics.map(formatDiagnostic)).toEqual([expected]);
  expect(await startRefusal(file)).toBe(`invalid rules (1 problem):\n  ${expected}`);
});

it('lists only the documented action types when a rule file names an unknown one', async () => {
  const { file, rule } = writeHub('nottify: { channel: eng, text: hi }');
  expect(await startRefusal(file)).toBe(
    `invalid rules (1 problem):\n  ${rule}:5:9: unknown action type "nottify" (did you mean "notify"?); ${USER_TYPES}`,
  );
});
