import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus } from '../../../../src/bus/event-bus.ts';
import { readEnv } from '../../../../src/config/env.ts';
import { parseConfig } from '../../../../src/config/load-config.ts';
import { createHubEvent } from '../../../../src/events/hub-event.ts';
import { createMuteStore } from '../../../../src/noise/mutes.ts';
import { createNoiseGate } from '../../../../src/noise/noise-gate.ts';
import { createRuleSet } from '../../../../src/rules/rule-set.ts';
import type { RulesContext } from '../../../../src/rules/rule.ts';
import { createChatAction } from '../../../../src/subscriptions/chat/chat-action.ts';
import { handleChatCommand } from '../../../../src/subscriptions/commands/handle-command.ts';
import { compileSubscriptions } from '../../../../src/subscriptions/compile/subscription-rules.ts';
import { sourceConnectors } from '../../../../src/subscriptions/scope/source-connectors.ts';
import type { SubscriptionScope } from '../../../../src/subscriptions/scope/subscription-scope.ts';
import { SubscriptionsConfigSchema } from '../../../../src/subscriptions/settings.ts';
import { createSubscriptionStore } from '../../../../src/subscriptions/subscription-store.ts';
import { openTempEmbeddedBus, silentLogger } from '../../../helpers/hub-fixtures.ts';

// One hub, two tenants: acme's Slack workspace T1 and a partner's T2 (and T3), each allowed to change subscriptions.
const YAML = `connectors:
  gh-acme: { type: github, secret: s1, token: ghp_a, orgs: [acme] }
  gh-partner: { type: github, secret: s2, token: ghp_p, repos: [partner/web] }
  forge: { type: generic, provider: github, verify: { apiKey: { header: x-key, secret: k } } }
  stripe: { type: stripe, secret: whsec_s }
  slack: { type: slack, secret: s3 }
`;
const config = parseConfig('/etc/hookhub/hookhub.yaml', YAML, readEnv({}));
const settings = SubscriptionsConfigSchema.parse({
  allow: { users: ['slack:T1/U1', 'slack:T2/U2', 'slack:T3/U3'] },
  slack: { botToken: 'xoxb' },
});
const teams = { 'slack:T1': '*', 'slack:T2': ['gh-partner'] } as const;

let bus: EventBus;
let context: RulesContext;
beforeAll(async () => {
  bus = await openTempEmbeddedBus();
  const chat = createChatAction({
    store: createSubscriptionStore(bus),
    gate: createNoiseGate({ bus, now: () => new Date() }),
    bus,
    settings,
  });
  context = { registry: { chat }, channels: [], connectors: Object.keys(config.connectors) };
});
afterAll(() => bus.close());

async function tenant(scope: SubscriptionScope) {
  const store = createSubscriptionStore(bus);
  for (const sub of await store.list()) await store.delete(sub.id);
  const deps = { store, mutes: createMuteStore(bus.kv('noise-mutes'), () => new Date()), settings, scope, now: () => new Date() };
  const run = async (team: string, text: string) => {
    const channel = { platform: 'slack' as const, connector: 'slack', team, id: `C${team}` };
    return (await handleChatCommand({ channel, user: { id: `U${team.slice(1)}` }, text, reply: undefined }, deps)).text;
  };
  const delivered = async (connector: string, type: string, data: unknown) => {
    const rules = compileSubscriptions(await store.list(), { context, settings, scope, logger: silentLogger });
    const event = createHubEvent({ id: 'e', type, connector, data });
    return createRuleSet(rules)
      .match(event)
      .map((rule) => rule.name.replace(/^sub-[0-9a-f]+-/, ''));
  };
  return { run, delivered, store };
}

const opened = (repo: string) => ({ repository: { full_name: repo }, pull_request: { labels: [] } });

describe('what chat subscriptions may relay', () => {
  it('refuses a repository outside the repos/orgs the github connectors list, and relays a listed one only from its own connector', async () => {
    const { run, delivered } = await tenant({ sources: sourceConnectors(config.connectors) });
    expect(await run('T1', 'subscribe otherorg/secret-repo')).toBe(
      'Not subscribed to otherorg/secret-repo: otherorg/secret-repo is not among the repositories and orgs the github connectors list (acme, partner/web); an admin can add it under repos or orgs.',
    );
    expect(await run('T1', 'subscribe partner/*')).toMatch(/^Not subscribed to partner\/\*: the org partner is not among/);
    expect(await run('T1', 'subscribe type:github.pull_request.*')).toMatch(
      /subscribe to owner\/repo or owner\/\* \(an org they list\) instead of a github\.\* glob/,
    );
    expect(await run('T1', 'subscribe acme/api pulls')).toMatch(/^Subscribed this channel to acme\/api/);
    expect(await delivered('gh-acme', 'github.pull_request.opened', opened('acme/api'))).toEqual(['pulls']);
    // A generic connector that names github as its provider verifies nothing GitHub signed.
    expect(await delivered('forge', 'github.pull_request.opened', opened('acme/api'))).toEqual([]);
  });

  it('subscriptions.teams: a team sees only the connectors listed for it, a team not listed nothing', async () => {
    const { run, delivered, store } = await tenant({ sources: sourceConnectors(config.connectors), teams });
    expect(await run('T2', 'subscribe acme/api')).toMatch(
      /^Not subscribed to acme\/api: acme\/api is not among the repositories and orgs the github connectors list \(partner\/web\)/,
    );
    expect(await run('T2', 'subscribe stripe')).toBe('Not subscribed to stripe: no stripe connector this team may subscribe to.');
    expect(await run('T2', 'subscribe type:sentry.**')).toBe(
      'Not subscribed to type:sentry.**: no connector whose events this channel may subscribe to.',
    );
    expect(await run('T2', 'subscribe partner/web pulls')).toMatch(/^Subscribed this channel to partner\/web/);
    expect(await run('T3', 'subscribe partner/web')).toBe(
      "Not subscribed to partner/web: this Slack team (slack:T3) is not among subscriptions.teams in hookhub.yaml, so it may not subscribe to events; an admin can add `slack:T3` with the connectors it may see (or '*').",
    );
    expect(await delivered('gh-partner', 'github.pull_request.opened', opened('partner/web'))).toEqual(['pulls']);
    expect(await delivered('gh-acme', 'github.pull_request.opened', opened('partner/web'))).toEqual([]);
    expect((await store.list()).map((sub) => sub.target)).toEqual([{ provider: 'github', path: 'partner/web' }]);
  });

  it('leaves out stored subscriptions of a team the config no longer lets see them, logging their id', async () => {
    const { run, delivered, store } = await tenant({ sources: sourceConnectors(config.connectors) });
    await run('T2', 'subscribe acme/api pulls');
    const [sub] = await store.list();
    const logged: string[] = [];
    const logger = Object.assign(Object.create(silentLogger) as typeof silentLogger, { error: (line: string) => void logged.push(line) });
    const scope = { sources: sourceConnectors(config.connectors), teams };
    const rules = compileSubscriptions(await store.list(), { context, settings, scope, logger });
    expect(rules.filter((r) => r.name.startsWith('sub-'))).toEqual([]);
    expect(logged.join('\n')).toContain(`subscriptions: ${sub?.id} (slack CT2 by U2 at`);
    expect(logged.join('\n')).toContain(`hookhub subscriptions remove ${sub?.id}`);
    expect(await delivered('gh-acme', 'github.pull_request.opened', opened('acme/api'))).toEqual(['pulls']);
  });
});
