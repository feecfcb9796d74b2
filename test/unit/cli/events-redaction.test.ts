import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actions } from '../../../src/actions/index.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { registerEventsCommand } from '../../../src/cli/events-command.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';
import { environmentValuesOf } from '../../../src/operations/event-view.ts';
import { compileRuleSources } from '../../../src/rules/compile-rule-sources.ts';
import type { RuleSet } from '../../../src/rules/rule.ts';
import { openTempEmbeddedBus } from '../../helpers/hub-fixtures.ts';
import { keepOpen } from '../../helpers/keep-open-bus.ts';

const SIGNING = 'whsec_bGl0ZXJhbC1zaWduaW5nLXNlY3JldC0wMTIz';
const BEARER = 'literal-bearer-token-9876543210';
const ROUTING_KEY = 'routing-key-from-the-env-42';
const RULES = `rules:
  - name: out
    on: github.push
    do:
      - webhook:
          url: https://example.com/hook
          secret: ${SIGNING}
          headers: { Authorization: "Bearer ${BEARER}", X-Team: eng, Content-Type: application/json }
          body: { routing_key: "\${PD_ROUTING_KEY}" }
`;

describe('hookhub events: secrets are masked as in the API', () => {
  let bus: EventBus;
  let ruleSet: RuleSet;
  beforeEach(async () => {
    bus = await openTempEmbeddedBus();
    const loaded = compileRuleSources([{ file: 'rules/out.yaml', text: RULES }], {
      registry: actions,
      channels: [],
      connectors: ['github'],
      connectorTypes: { github: 'github' },
      vars: { PD_ROUTING_KEY: ROUTING_KEY },
    });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
    ruleSet = loaded.ruleSet;
    const event = createHubEvent({ id: 'd-1', type: 'github.push', connector: 'github', data: { ref: 'refs/heads/main' } });
    await bus.publish('events', { id: event.id, subject: event.type, payload: event });
  });
  afterEach(async () => {
    await bus.close();
    warnings = [];
    stderr = '';
    loaded = 0;
  });

  let warnings: string[] = [];
  let stderr = '';
  let loaded = 0;

  async function run(...args: string[]): Promise<string> {
    let out = '';
    const program = new Command('hookhub').exitOverride();
    registerEventsCommand(program, {
      openBus: () => Promise.resolve(keepOpen(bus)),
      loadRules: () => Promise.resolve(ruleSet),
      loadHidden: () => {
        loaded += 1;
        return Promise.resolve({ values: environmentValuesOf(ruleSet), warnings });
      },
      registry: actions,
      write: (t) => void (out += t),
      warn: (t) => void (stderr += t),
    });
    await program.parseAsync(['node', 'hookhub', ...args]);
    return out;
  }

  it('events replay --dry-run --json masks secret params', async () => {
    const out = await run('events', 'replay', 'd-1', '--dry-run', '--json');
    expect(out).not.toContain(SIGNING);
    expect(out).not.toContain(BEARER);
    const result = JSON.parse(out) as { jobs: { params: { secret: string; headers: Record<string, string> } }[] };
    expect(result.jobs[0]?.params.secret).toBe(`[redacted, ${SIGNING.length} chars]`);
    // Only transport and event headers show their value: any other may be a destination's credential.
    expect(result.jobs[0]?.params.headers['Content-Type']).toBe('application/json');
    expect(result.jobs[0]?.params.headers['X-Team']).toBe('[redacted, 3 chars]');
    expect(result.jobs[0]?.params.headers.Authorization).toMatch(/^\[redacted/);
  });

  it('events show --json masks the params of the jobs it queued, and what the rule files take from the environment', async () => {
    await run('events', 'replay', 'd-1');
    const out = await run('events', 'show', 'd-1', '--json');
    expect(out).toContain('"action": "webhook"');
    expect(out).not.toContain(SIGNING);
    expect(out).not.toContain(BEARER);
    expect(out).not.toContain(ROUTING_KEY);
    expect(out).toContain(`"routing_key": "[redacted, ${ROUTING_KEY.length} chars]"`);
    expect(stderr).toBe('');
  });

  it('events show says on stderr what it could not know, and reads no rules for the text, which has no params', async () => {
    await run('events', 'replay', 'd-1');
    warnings = ['cannot read the rules (rules: no such file or folder): …'];
    await run('events', 'show', 'd-1', '--json');
    expect(stderr).toBe('warning: cannot read the rules (rules: no such file or folder): …\n');
    expect(loaded).toBe(1);
    expect(await run('events', 'show', 'd-1')).toContain('github.push');
    expect(loaded).toBe(1);
  });
});
