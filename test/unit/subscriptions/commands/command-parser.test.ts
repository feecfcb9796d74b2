import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../../src/subscriptions/commands/command-parser.ts';

const ok = (text: string) => {
  const result = parseCommand(text);
  if (!result.ok) throw new Error(`expected "${text}" to parse: ${result.message}`);
  return result.command;
};
const error = (text: string) => {
  const result = parseCommand(text);
  if (result.ok) throw new Error(`expected "${text}" to fail, got ${JSON.stringify(result.command)}`);
  return result.message;
};
const none = { labelsAll: [], labelsNone: [], authorsIn: [], authorsOut: [], branches: [] };

describe('parseCommand: every valid form', () => {
  it.each([
    ['', { verb: 'help' }],
    ['help', { verb: 'help' }],
    ['help mute', { verb: 'help', topic: 'mute' }],
    ['list', { verb: 'list' }],
    ['LS', { verb: 'list' }],
    ['subscribe acme/api', { verb: 'subscribe', target: { provider: 'github', path: 'acme/api' }, features: [], filters: none }],
    [
      'subscribe Acme/API issues pulls',
      {
        verb: 'subscribe',
        target: { provider: 'github', path: 'acme/api' },
        features: [{ name: 'issues' }, { name: 'pulls' }],
        filters: none,
      },
    ],
    ['sub acme/*', { verb: 'subscribe', target: { provider: 'github', path: 'acme/*' }, features: [], filters: none }],
    [
      'subscribe github:acme/api releases',
      { verb: 'subscribe', target: { provider: 'github', path: 'acme/api' }, features: [{ name: 'releases' }], filters: none },
    ],
    [
      'subscribe https://github.com/acme/api/pulls',
      { verb: 'subscribe', target: { provider: 'github', path: 'acme/api' }, features: [], filters: none },
    ],
    [
      'subscribe <https://github.com/acme/api|github.com/acme/api> reviews',
      { verb: 'subscribe', target: { provider: 'github', path: 'acme/api' }, features: [{ name: 'reviews' }], filters: none },
    ],
    [
      'subscribe acme/api commits:release/* workflows:all comments',
      {
        verb: 'subscribe',
        target: { provider: 'github', path: 'acme/api' },
        features: [{ name: 'commits', arg: 'release/*' }, { name: 'workflows', arg: 'all' }, { name: 'comments' }],
        filters: none,
      },
    ],
    [
      'subscribe acme/api workflows deployments',
      {
        verb: 'subscribe',
        target: { provider: 'github', path: 'acme/api' },
        features: [{ name: 'workflows' }, { name: 'deployments' }],
        filters: none,
      },
    ],
    [
      'subscribe gitlab:platform/backend/api pulls',
      { verb: 'subscribe', target: { provider: 'gitlab', path: 'platform/backend/api' }, features: [{ name: 'pulls' }], filters: none },
    ],
    ['subscribe gitlab:platform/*', { verb: 'subscribe', target: { provider: 'gitlab', path: 'platform/*' }, features: [], filters: none }],
    [
      'subscribe https://gitlab.com/platform/api/-/merge_requests',
      { verb: 'subscribe', target: { provider: 'gitlab', path: 'platform/api' }, features: [], filters: none },
    ],
    ['subscribe sentry.issue.*', { verb: 'subscribe', target: { provider: 'glob', glob: 'sentry.issue.*' }, features: [], filters: none }],
    [
      'subscribe type:pagerduty.** -author:bot',
      { verb: 'subscribe', target: { provider: 'glob', glob: 'pagerduty.**' }, features: [], filters: { ...none, authorsOut: ['bot'] } },
    ],
  ])('%j', (text, expected) => {
    expect(ok(text)).toEqual(expected);
  });

  it.each([
    ['+label:bug', { labelsAll: [['bug']] }],
    ['+label:a,b', { labelsAll: [['a', 'b']] }],
    ['+label:a +label:b', { labelsAll: [['a'], ['b']] }],
    ['-label:dependencies', { labelsNone: ['dependencies'] }],
    ['-label:dependencies,chore', { labelsNone: ['dependencies', 'chore'] }],
    ['+label:"good first issue"', { labelsAll: [['good first issue']] }],
    ['+label:“good first issue”,docs', { labelsAll: [['good first issue', 'docs']] }],
    ['-author:dependabot[bot]', { authorsOut: ['dependabot[bot]'] }],
    ['+author:ana,ben', { authorsIn: ['ana', 'ben'] }],
    ['branch:main', { branches: ['main'] }],
    ['branch:release/*', { branches: ['release/*'] }],
  ])('filter %s', (words, filters) => {
    const command = ok(`subscribe acme/api pulls ${words}`);
    expect(command).toMatchObject({ verb: 'subscribe', filters: { ...none, ...filters } });
  });

  it.each([
    ['subscribe stripe', { provider: 'stripe' }, [], undefined],
    [
      'subscribe stripe failed disputes >=100 USD',
      { provider: 'stripe' },
      [{ name: 'failed' }, { name: 'disputes' }],
      { op: '>=', value: 100, currency: 'USD' },
    ],
    [
      'subscribe razorpay payments >5000INR',
      { provider: 'razorpay' },
      [{ name: 'succeeded' }, { name: 'failed' }, { name: 'disputes' }, { name: 'refunds' }],
      { op: '>', value: 5000, currency: 'INR' },
    ],
    ['subscribe stripe refunds &lt;10.50 eur', { provider: 'stripe' }, [{ name: 'refunds' }], { op: '<', value: 10.5, currency: 'EUR' }],
    ['subscribe stripe succeeded >=1000', { provider: 'stripe' }, [{ name: 'succeeded' }], { op: '>=', value: 1000 }],
  ])('payments: %s', (text, target, features, amount) => {
    const command = ok(text);
    expect(command).toMatchObject({ verb: 'subscribe', target, features });
    expect(command.verb === 'subscribe' ? command.filters.amount : 'x').toEqual(amount);
  });

  it.each([
    ['subscribe acme/api commits group:1m', { group: { wait: 60_000 } }],
    ['subscribe acme/api throttle:10/1h', { throttle: { max: 10, per: 3_600_000 } }],
  ])('noise: %s', (text, noise) => {
    expect(ok(text)).toMatchObject({ noise });
  });

  it.each([
    ['unsubscribe acme/api', { verb: 'unsubscribe', target: { provider: 'github', path: 'acme/api' }, features: [] }],
    [
      'unsub acme/api commits reviews',
      { verb: 'unsubscribe', target: { provider: 'github', path: 'acme/api' }, features: ['commits', 'reviews'] },
    ],
    ['mute acme/api 2h', { verb: 'mute', target: { provider: 'github', path: 'acme/api' }, ms: 7_200_000, duration: '2h' }],
    ['snooze all 30 minutes', { verb: 'mute', target: 'all', ms: 1_800_000, duration: '30minutes' }],
    ['mute stripe 1w', { verb: 'mute', target: { provider: 'stripe' }, ms: 604_800_000, duration: '1w' }],
    ['unmute acme/api', { verb: 'unmute', target: { provider: 'github', path: 'acme/api' } }],
    ['unmute ALL', { verb: 'unmute', target: 'all' }],
  ])('%j', (text, expected) => {
    expect(ok(text)).toEqual(expected);
  });
});

describe('parseCommand: malformed input gets a helpful message', () => {
  it.each([
    ['subscibe acme/api', /unknown command "subscibe" \(did you mean "subscribe"\?\)/],
    ['subscribe', /subscribe needs a target[\s\S]*Usage: `\/hookhub subscribe <target>/],
    ['subscribe acme', /"acme" is not a target. Use owner\/repo/],
    ['subscribe acme/api/extra', /not a GitHub target; use owner\/repo or owner\/\*/],
    ['subscribe acme/api pull', /unknown feature or filter "pull" \(did you mean "pulls"\?\); features for GitHub: issues, pulls/],
    ['subscribe acme/api issues:all', /issues takes no option/],
    ['subscribe acme/api workflows:some', /workflows takes workflows:all/],
    ['subscribe acme/api +label:', /\+label: needs a value/],
    ['subscribe acme/api +label:"good first', /quote is not closed/],
    ['subscribe acme/api >=100 USD', /amount filters apply to stripe and razorpay/],
    ['subscribe stripe +label:bug', /label filters apply to GitHub and GitLab/],
    ['subscribe stripe >=abc', /not an amount filter; write it like >=100 USD/],
    ['subscribe stripe >=1 USD <5 USD', /only one amount filter/],
    ['subscribe stripe charges', /features for Stripe: succeeded, failed, disputes, refunds/],
    ['subscribe sentry..issue', /not an event type glob/],
    // Chat platforms' own events belong to the channel they came from (private channels, DMs, other workspaces).
    ['subscribe type:slack.message', /do not relay slack events: they belong to the channel they were sent in/],
    ['subscribe type:slack.**', /do not relay slack events/],
    ['subscribe type:mattermost.command.*', /do not relay mattermost events/],
    ['subscribe type:discord.interaction.application_command', /do not relay discord events/],
    ['subscribe type:**', /would reach every provider's events; name the provider, e.g. sentry.issue.\*/],
    ['subscribe *.message.*', /would reach every provider's events/],
    // The hub's own events (meta-events, scheduled ticks) carry operator internals.
    ['subscribe type:hookhub.**', /do not relay the hub's own events \(hookhub\.\*\): they carry the operators' internals/],
    ['subscribe hookhub.job.dead_lettered', /do not relay the hub's own events/],
    ['subscribe type:HOOKHUB.consumer.*', /do not relay the hub's own events/],
    ['subscribe type:hookhub.schedule.*', /do not relay the hub's own events/],
    ['subscribe acme/api group:soon', /group: needs a wait, e.g. group:1m/],
    ['subscribe acme/api throttle:10', /throttle:<count>\/<window>/],
    ['subscribe acme/api throttle:1001/1d', /throttle: at most 1000 per window; use a shorter window/],
    // Globs become patterns: bounded in length and wildcards.
    [`subscribe acme/api commits branch:${'**a'.repeat(20)}`, /a glob has at most 8 wildcards/],
    [`subscribe acme/api commits branch:${'x'.repeat(201)}`, /a glob is at most 200 characters/],
    ['subscribe https://bitbucket.org/a/b', /only github.com and gitlab.com links/],
    ['unsubscribe', /unsubscribe needs a target/],
    ['unsubscribe acme/api +label:bug', /unsubscribe takes feature names only/],
    ['mute acme/api', /needs a target \(or all\) and a duration/],
    ['mute acme/api forever', /"forever" is not a duration; use e.g. 30m, 2h/],
    ['mute acme/api 90d', /at most 30 days/],
    ['unmute', /unmute needs exactly one target/],
    ['list everything', /list takes no arguments/],
  ])('%j', (text, message) => {
    expect(error(text)).toMatch(message);
  });

  it("bounds a command's length: Mattermost sends whatever fits in a form body, and the command is stored, compiled and echoed", () => {
    const labels = `subscribe acme/api +label:${'l,'.repeat(600)}`;
    expect(error(labels)).toBe(`a command is at most 1,000 characters (this one has ${labels.length.toLocaleString('en-US')}).`);
    expect(error(`mute all 2h ${' '.repeat(1_000)}`)).toMatch(/^a command is at most 1,000 characters/);
    expect(ok(`subscribe acme/api +label:${'l,'.repeat(480)}`)).toMatchObject({ verb: 'subscribe' });
  });

  it('never throws, whatever the input', () => {
    for (const text of [
      '"',
      '""',
      '+',
      '-',
      ':',
      'subscribe ""',
      'subscribe "a/b',
      'mute all ""',
      '\u0000',
      'subscribe */*',
      'subscribe a/* commits:',
    ]) {
      expect(() => parseCommand(text)).not.toThrow();
    }
  });
});
