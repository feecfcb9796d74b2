import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus } from '../../../../src/bus/event-bus.ts';
import { createHubEvent } from '../../../../src/events/hub-event.ts';
import { createMetaEvent } from '../../../../src/meta/meta-event.ts';
import { compileRuleSources } from '../../../../src/rules/compile-rule-sources.ts';
import { createMuteStore } from '../../../../src/noise/mutes.ts';
import { createNoiseGate } from '../../../../src/noise/noise-gate.ts';
import { createSubscriptionCommandAction } from '../../../../src/subscriptions/commands/command-action.ts';
import { createRuleSet } from '../../../../src/rules/rule-set.ts';
import type { RulesContext } from '../../../../src/rules/rule.ts';
import { createChatAction } from '../../../../src/subscriptions/chat/chat-action.ts';
import { parseCommand } from '../../../../src/subscriptions/commands/command-parser.ts';
import { SubscriptionsConfigSchema } from '../../../../src/subscriptions/settings.ts';
import type { Subscription } from '../../../../src/subscriptions/subscription.ts';
import { createSubscriptionStore } from '../../../../src/subscriptions/subscription-store.ts';
import { compileSubscriptions, exportSubscriptionsYaml } from '../../../../src/subscriptions/compile/subscription-rules.ts';
import { openTempEmbeddedBus, silentLogger } from '../../../helpers/hub-fixtures.ts';
import { testSources, unscopedScope } from '../../../helpers/subscription-scope.ts';

let bus: EventBus;
let context: RulesContext;
const settings = SubscriptionsConfigSchema.parse({});

beforeAll(async () => {
  bus = await openTempEmbeddedBus();
  const chat = createChatAction({
    store: createSubscriptionStore(bus),
    gate: createNoiseGate({ bus, now: () => new Date() }),
    bus,
    settings,
  });
  context = {
    registry: { chat },
    channels: [],
    connectors: testSources.map((source) => source.name),
    connectorTypes: { github: 'github', slack: 'slack' },
  };
});
afterAll(() => bus.close());

/** The rule names a subscription made from `text` matches for an event (via the real rules engine). */
function matcher(text: string) {
  const parsed = parseCommand(text);
  if (!parsed.ok || parsed.command.verb !== 'subscribe') throw new Error(`bad command ${text}`);
  const sub: Subscription = {
    id: 'abc123',
    channel: { platform: 'slack', connector: 'slack', id: 'C1', name: 'eng' },
    target: parsed.command.target,
    features: parsed.command.features,
    filters: parsed.command.filters,
    createdBy: { id: 'U1', name: 'ana' },
    createdAt: '2026-11-28T17:00:00.000Z',
  };
  const rules = compileSubscriptions([sub], { context, settings, scope: unscopedScope, logger: silentLogger }).filter((r) =>
    r.name.startsWith('sub-'),
  );
  const set = createRuleSet(rules);
  return {
    rules,
    matches: (type: string, data: unknown, actor?: string) =>
      set
        // Each test hub connector is named after its type: the provider, the type's first segment.
        .match(createHubEvent({ id: 'e', type, connector: type.split('.')[0] ?? '', data, ...(actor ? { actor } : {}) }))
        .map((r) => r.name.replace('sub-abc123-', '')),
  };
}

const pr = (labels: string[], extra: Record<string, unknown> = {}) => ({
  repository: { full_name: 'Acme/API' },
  pull_request: { number: 1, labels: labels.map((name) => ({ name })), user: { login: 'ana' }, base: { ref: 'main' }, ...extra },
});

describe('subscriptions compile into rules on the rules engine', () => {
  it('one rule per default feature, with origin in the description', () => {
    const { rules } = matcher('subscribe acme/api');
    expect(rules.map((r) => r.name)).toEqual([
      'sub-abc123-issues',
      'sub-abc123-pulls',
      'sub-abc123-commits',
      'sub-abc123-releases',
      'sub-abc123-deployments',
    ]);
    expect(rules[0]?.description).toBe('slack #eng (C1) by @ana at 2026-11-28T17:00:00.000Z · acme/api: default features');
  });

  it.each([
    ['+label:bug', ['bug'], true],
    ['+label:bug', ['docs'], false],
    ['+label:bug,docs', ['docs'], true], // any of
    ['+label:bug +label:p1', ['bug'], false], // all of
    ['+label:bug +label:p1', ['p1', 'bug', 'x'], true],
    ['-label:dependencies', ['dependencies'], false],
    ['-label:dependencies', [], true],
    ['+label:bug -label:wontfix', ['bug', 'wontfix'], false],
    ['+label:"good first issue"', ['good first issue'], true],
  ])('pulls %s on labels %j -> %s', (filters, labels, expected) => {
    expect(matcher(`subscribe acme/api pulls ${filters}`).matches('github.pull_request.opened', pr(labels))).toEqual(
      expected ? ['pulls'] : [],
    );
  });

  it('label filters leave features without labels alone', () => {
    const { matches } = matcher('subscribe acme/api pulls releases +label:bug');
    expect(matches('github.release.published', { repository: { full_name: 'acme/api' }, release: {} })).toEqual(['releases']);
  });

  it('authors: -author excludes by the PR author or the actor, +author includes', () => {
    const bot = matcher('subscribe acme/api pulls -author:dependabot[bot]');
    expect(bot.matches('github.pull_request.opened', pr([], { user: { login: 'dependabot[bot]' } }))).toEqual([]);
    expect(bot.matches('github.pull_request.closed', pr([], { user: { login: 'dependabot[bot]' } }), 'ana')).toEqual([]);
    expect(bot.matches('github.pull_request.opened', pr([]), 'ana')).toEqual(['pulls']);
    expect(matcher('subscribe acme/api pulls +author:ben').matches('github.pull_request.opened', pr([]), 'ana')).toEqual([]);
  });

  it('targets: exact repo (any case), owner/*, never another owner', () => {
    expect(matcher('subscribe acme/api pulls').matches('github.pull_request.opened', pr([]))).toEqual(['pulls']);
    const owner = matcher('subscribe acme/* pulls');
    expect(owner.matches('github.pull_request.opened', { ...pr([]), repository: { full_name: 'acme/web' } })).toEqual(['pulls']);
    expect(owner.matches('github.pull_request.opened', { ...pr([]), repository: { full_name: 'acme-evil/web' } })).toEqual([]);
    expect(
      matcher('subscribe acme/api pulls').matches('github.pull_request.opened', { ...pr([]), repository: { full_name: 'acme/api2' } }),
    ).toEqual([]);
  });

  it('branches: commits:<glob>, branch: on pulls', () => {
    const push = (ref: string) => ({ repository: { full_name: 'acme/api' }, ref, commits: [{}] });
    const release = matcher('subscribe acme/api commits:release/*');
    expect(release.matches('github.push', push('refs/heads/release/1.2'))).toEqual(['commits']);
    expect(release.matches('github.push', push('refs/heads/release/1.2/hotfix'))).toEqual([]);
    expect(release.matches('github.push', push('refs/heads/main'))).toEqual([]);
    expect(release.matches('github.push', push('refs/tags/v1'))).toEqual([]);
    expect(matcher('subscribe acme/api commits:*').matches('github.push', push('refs/heads/feature/x'))).toEqual(['commits']);
    expect(matcher('subscribe acme/api commits:*').matches('github.push', { ...push('refs/heads/x'), deleted: true })).toEqual([]);
    const pulls = matcher('subscribe acme/api pulls branch:main');
    expect(pulls.matches('github.pull_request.opened', pr([]))).toEqual(['pulls']);
    expect(pulls.matches('github.pull_request.opened', pr([], { base: { ref: 'develop' } }))).toEqual([]);
  });

  it('workflows: failures by default, every run with workflows:all', () => {
    const job = (conclusion: string) => ({ repository: { full_name: 'acme/api' }, workflow_job: { conclusion, head_branch: 'main' } });
    const failures = matcher('subscribe acme/api workflows');
    expect(failures.matches('github.workflow_job.completed', job('failure'))).toEqual(['workflows']);
    expect(failures.matches('github.workflow_job.completed', job('success'))).toEqual([]);
    const all = matcher('subscribe acme/api workflows:all');
    expect(
      all.matches('github.workflow_run.completed', { repository: { full_name: 'acme/api' }, workflow_run: { conclusion: 'success' } }),
    ).toEqual(['workflows']);
  });

  it('author filters apply to every GitHub and GitLab feature, CI and deployments included', () => {
    const repo = { full_name: 'acme/api' };
    const job = { repository: repo, workflow_job: { conclusion: 'failure', head_branch: 'main' } };
    const gh = matcher('subscribe acme/api workflows deployments -author:dependabot[bot]');
    expect(gh.matches('github.workflow_job.completed', job, 'dependabot[bot]')).toEqual([]);
    expect(gh.matches('github.workflow_job.completed', job, 'ana')).toEqual(['workflows']);
    const deploy = (creator: string) => ({
      repository: repo,
      deployment_status: { state: 'failure' },
      deployment: { ref: 'main', creator: { login: creator } },
    });
    expect(gh.matches('github.deployment_status.created', deploy('dependabot[bot]'), 'ana')).toEqual([]);
    expect(gh.matches('github.deployment_status.created', deploy('ana'), 'ana')).toEqual(['deployments']);
    const runs = matcher('subscribe acme/api workflows:all +author:ana');
    const run = (who: string) => ({ repository: repo, workflow_run: { conclusion: 'success', triggering_actor: { login: who } } });
    expect(runs.matches('github.workflow_run.completed', run('ana'), 'ana')).toEqual(['workflows']);
    expect(runs.matches('github.workflow_run.completed', run('ben'), 'ben')).toEqual([]);
    const gl = matcher('subscribe gitlab:platform/api workflows releases -author:renovate-bot');
    const pipeline = {
      project: { path_with_namespace: 'platform/api' },
      object_attributes: { status: 'failed', ref: 'main' },
      user: { username: 'renovate-bot' },
    };
    expect(gl.matches('gitlab.pipeline', pipeline, 'renovate-bot')).toEqual([]);
    expect(gl.matches('gitlab.release.create', { project: { path_with_namespace: 'platform/api' } }, 'renovate-bot')).toEqual([]);
    expect(gl.matches('gitlab.release.create', { project: { path_with_namespace: 'platform/api' } }, 'ana')).toEqual(['releases']);
  });

  it('payments: amount in minor units and currency, per provider', () => {
    const stripe = matcher('subscribe stripe failed >=100 USD');
    const intent = (amount: number, currency: string) => ({ data: { object: { amount, currency } } });
    expect(stripe.matches('stripe.payment_intent.payment_failed', intent(10_000, 'usd'))).toEqual(['failed']);
    expect(stripe.matches('stripe.payment_intent.payment_failed', intent(9_999, 'usd'))).toEqual([]);
    expect(stripe.matches('stripe.payment_intent.payment_failed', intent(50_000, 'eur'))).toEqual([]);
    expect(matcher('subscribe stripe failed >=1000 JPY').matches('stripe.payment_intent.payment_failed', intent(1_000, 'jpy'))).toEqual([
      'failed',
    ]);
    const rzp = matcher('subscribe razorpay payments >5000 INR');
    const payment = (amount: number) => ({ payload: { payment: { entity: { amount, currency: 'INR' } } } });
    expect(rzp.matches('razorpay.payment.captured', payment(500_001))).toEqual(['succeeded']);
    expect(rzp.matches('razorpay.payment.captured', payment(500_000))).toEqual([]);
  });

  it('gitlab and type globs', () => {
    const gl = matcher('subscribe gitlab:platform/* pulls -label:wip');
    const mr = (labels: string[]) => ({
      project: { path_with_namespace: 'platform/backend/api' },
      labels: labels.map((title) => ({ title })),
      object_attributes: {},
    });
    expect(gl.matches('gitlab.merge_request.open', mr([]))).toEqual(['pulls']);
    expect(gl.matches('gitlab.merge_request.merge', mr(['wip']))).toEqual([]);
    const glob = matcher('subscribe sentry.issue.* -author:bot');
    expect(glob.matches('sentry.issue.created', {}, 'ana')).toEqual(['events']);
    expect(glob.matches('sentry.issue.created', {}, 'bot')).toEqual([]);
    expect(glob.matches('sentry.error.created', {}, 'ana')).toEqual([]);
  });

  it("leaves out a stored glob subscription to a chat platform's own events, made before such globs were refused", () => {
    const stored = (glob: string, id: string): Subscription => ({
      id,
      channel: { platform: 'slack', connector: 'slack', team: 'T2', id: 'C2' },
      target: { provider: 'glob', glob },
      features: [],
      filters: { labelsAll: [], labelsNone: [], authorsIn: [], authorsOut: [], branches: [] },
      createdBy: { id: 'U2' },
      createdAt: '2026-11-28T17:00:00.000Z',
    });
    const subs = [stored('slack.message', 'leak1'), stored('**', 'leak2'), stored('sentry.issue.*', 'fine1')];
    const rules = compileSubscriptions(subs, { context, settings, scope: unscopedScope, logger: silentLogger }).map((r) => r.name);
    expect(rules.filter((name) => name.startsWith('sub-'))).toEqual(['sub-fine1-events']);
    const set = createRuleSet(compileSubscriptions(subs, { context, settings, scope: unscopedScope, logger: silentLogger }));
    const dm = createHubEvent({ id: 'e', type: 'slack.message', connector: 'slack', data: { event: { channel: 'D1', text: 'secret' } } });
    expect(set.match(dm).map((r) => r.name)).toEqual([]);
  });

  it("leaves out a stored glob subscription to the hub's own events (meta-events, scheduled ticks); rule files still match them", () => {
    const stored = (glob: string, id: string): Subscription => ({
      id,
      channel: { platform: 'slack', connector: 'slack', team: 'T2', id: 'C2' },
      target: { provider: 'glob', glob },
      features: [],
      filters: { labelsAll: [], labelsNone: [], authorsIn: [], authorsOut: [], branches: [] },
      createdBy: { id: 'U2' },
      createdAt: '2026-11-28T17:00:00.000Z',
    });
    const subs = [stored('hookhub.**', 'meta1'), stored('hookhub.schedule.*', 'tick1'), stored('sentry.issue.*', 'fine1')];
    const logged: string[] = [];
    const logger = Object.assign(Object.create(silentLogger) as typeof silentLogger, { error: (line: string) => void logged.push(line) });
    const rules = compileSubscriptions(subs, { context, settings, scope: unscopedScope, logger });
    expect(rules.map((r) => r.name).filter((name) => name.startsWith('sub-'))).toEqual(['sub-fine1-events']);
    expect(logged.join('\n')).toMatch(/meta1 .* is not delivered: .*hookhub subscriptions remove meta1/);
    const dead = createMetaEvent(
      'hookhub.job.dead_lettered',
      { id: 'm1', subject: 'job-1', title: 'dead', data: { destination: 'https://internal.example', error: 'ECONNREFUSED 10.0.0.7' } },
      new Date('2026-12-07T08:00:00Z'),
    );
    expect(
      createRuleSet(rules)
        .match(dead)
        .map((r) => r.name),
    ).toEqual([]);
    const operators = compileRuleSources(
      [
        {
          file: 'ops.yaml',
          text: 'rules:\n  - { name: ops, on: hookhub.job.*, do: [{ chat: { subscription: x, to: "slack:C9", feature: events } }] }\n',
        },
      ],
      context,
    );
    expect(operators.ruleSet.match(dead).map((r) => r.name)).toEqual(['ops']);
  });

  it("routes /hookhub only from a chat platform's own connector, not from one that merely names it as its provider", () => {
    // A generic connector verifies its own shared secret, not Slack's signature: its events could name any team and user.
    const scope = { sources: [...testSources, { name: 'relay', type: 'generic', lists: [] }] };
    const commands = createSubscriptionCommandAction({
      store: createSubscriptionStore(bus),
      mutes: createMuteStore(bus.kv('noise-mutes'), () => new Date()),
      settings,
      scope,
    });
    const withCommands = { ...context, registry: { ...context.registry, [commands.type]: commands } };
    const set = createRuleSet(compileSubscriptions([], { context: withCommands, settings, scope, logger: silentLogger }));
    const command = (connector: string) =>
      createHubEvent({
        id: 'c',
        type: 'slack.command.hookhub',
        connector,
        data: { team_id: 'T1', user_id: 'U1', channel_id: 'C1', text: 'subscribe acme/api' },
      });
    expect(set.match(command('slack')).map((r) => r.name)).toEqual(['hookhub-chat-commands']);
    expect(set.match(command('relay')).map((r) => r.name)).toEqual([]);
  });

  it('exports YAML rules for git', () => {
    const yaml = exportSubscriptionsYaml([
      {
        id: 'abc123',
        channel: { platform: 'slack', connector: 'slack', id: 'C1' },
        target: { provider: 'github', path: 'acme/api' },
        features: [{ name: 'pulls' }],
        filters: { labelsAll: [['bug']], labelsNone: [], authorsIn: [], authorsOut: [], branches: [] },
        createdBy: { id: 'U1' },
        createdAt: 't',
      },
    ]);
    expect(yaml).toContain('name: sub-abc123-pulls');
    expect(yaml).toContain('data.pull_request.labels.name:');
    expect(yaml).toContain('- chat:');
  });
});
