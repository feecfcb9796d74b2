import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actions } from '../../../src/actions/index.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { registerEventsCommand } from '../../../src/cli/events-command.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';
import { compileRuleSources } from '../../../src/rules/compile-rule-sources.ts';
import type { RuleSet } from '../../../src/rules/rule.ts';
import { openTempEmbeddedBus } from '../../helpers/hub-fixtures.ts';
import { keepOpen } from '../../helpers/keep-open-bus.ts';

// The second action's URL comes from the payload, which this event does not have: it renders empty.
const RULES = `rules:
  - name: out
    on: github.push
    do:
      - webhook: { url: https://example.com/ok }
      - webhook: { url: "{{data.hook_url}}" }
`;

describe('hookhub events replay: an action that cannot be rendered', () => {
  let bus: EventBus;
  let ruleSet: RuleSet;
  beforeEach(async () => {
    bus = await openTempEmbeddedBus();
    const loaded = compileRuleSources([{ file: 'rules/out.yaml', text: RULES }], {
      registry: actions,
      channels: [],
      connectors: ['github'],
      connectorTypes: { github: 'github' },
    });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
    ruleSet = loaded.ruleSet;
    const event = createHubEvent({ id: 'r-1', type: 'github.push', connector: 'github', data: { ref: 'refs/heads/main' } });
    await bus.publish('events', { id: event.id, subject: event.type, payload: event });
  });
  afterEach(() => bus.close());

  async function run(...args: string[]): Promise<{ out: string; error?: string }> {
    let out = '';
    const program = new Command('hookhub').exitOverride();
    registerEventsCommand(program, {
      openBus: () => Promise.resolve(keepOpen(bus)),
      loadRules: () => Promise.resolve(ruleSet),
      loadHidden: () => Promise.resolve({ values: new Set<string>(), warnings: [] }),
      registry: actions,
      write: (text) => void (out += text),
    });
    try {
      await program.parseAsync(['node', 'hookhub', 'events', 'replay', 'r-1', ...args]);
      return { out };
    } catch (err) {
      return { out, error: (err as Error).message };
    }
  }

  it('fails (a non-zero exit) after printing what it queued, naming the action and why', async () => {
    for (const flags of [['--dry-run'], [], ['--json']]) {
      const { out, error } = await run(...flags);
      expect(out).toContain('r-1:out:0');
      const nothing = flags[0] === '--dry-run' ? 'a replay would queue nothing for them' : 'nothing was queued for them';
      expect(error).toMatch(new RegExp(`^1 action\\(s\\) could not be rendered, so ${nothing}: out webhook #1: url: `));
      if (flags[0] === '--json') expect((JSON.parse(out) as { errors: unknown[] }).errors).toHaveLength(1);
      expect(error).toContain('fix the rule (hookhub rules test --event) and replay again');
    }
  });
});
