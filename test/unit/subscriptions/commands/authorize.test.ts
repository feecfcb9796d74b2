import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../src/config/load-config.ts';
import { ConfigError } from '../../../../src/errors.ts';
import { mayChange } from '../../../../src/subscriptions/commands/authorize.ts';
import type { ChatRequest } from '../../../../src/subscriptions/chat/chat-request.ts';
import { SubscriptionsConfigSchema } from '../../../../src/subscriptions/settings.ts';

const command = (
  team: string | undefined,
  channel: { id: string; name: string },
  user = { id: 'U024BE7LH', name: 'ana' },
): ChatRequest => ({
  channel: { platform: 'slack', connector: 'slack', id: channel.id, name: channel.name, ...(team ? { team } : {}) },
  user,
  text: 'subscribe acme/api',
  reply: undefined,
});

describe('subscriptions.allow matches ids in their team, never names', () => {
  const allow = SubscriptionsConfigSchema.parse({ allow: { channels: ['slack:T024BE7LD/C024BE91L'] } }).allow;

  it('a channel named like an allowed one, in the same or another team, is refused; only the listed id in its team is allowed', () => {
    expect(mayChange(command('T024BE7LD', { id: 'C024BE91L', name: 'eng' }), allow)).toBe(true);
    expect(mayChange(command('T024BE7LD', { id: 'C0OTHER01', name: 'eng' }), allow)).toBe(false);
    // The same channel id in another workspace is another channel.
    expect(mayChange(command('T0OTHERTM', { id: 'C024BE91L', name: 'eng' }), allow)).toBe(false);
    expect(mayChange(command(undefined, { id: 'C024BE91L', name: 'eng' }), allow)).toBe(false);
  });

  it('a user renamed to an allowed name gains nothing', () => {
    const users = SubscriptionsConfigSchema.parse({ allow: { users: ['slack:T024BE7LD/U024BE7LH'] } }).allow;
    expect(mayChange(command('T024BE7LD', { id: 'C1', name: 'x' }, { id: 'U9MALLORY', name: 'ana' }), users)).toBe(false);
    expect(mayChange(command('T024BE7LD', { id: 'C1', name: 'x' }), users)).toBe(true);
    expect(
      mayChange(
        command('T024BE7LD', { id: 'C1', name: 'x' }, { id: 'U9MALLORY', name: 'ana' }),
        SubscriptionsConfigSchema.parse({ allow: { users: ['*'] } }).allow,
      ),
    ).toBe(true);
  });

  it('refuses names and unqualified ids at config load, with file:line and how to find the id', () => {
    const yaml =
      'subscriptions:\n  allow:\n    users: [ana, "slack:U024BE7LH"]\n    channels:\n      - eng\n      - "discord:1180000000000000900/general"\n      - "slack:T024BE7LD/C024BE91L"\n';
    let error: unknown;
    try {
      parseConfig('/etc/hookhub/hookhub.yaml', yaml, { vars: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/hookhub\.yaml:3:\d+: "ana" is not a user id qualified by its team or guild/);
    expect(message).toMatch(/hookhub\.yaml:3:\d+: "slack:U024BE7LH" is not a user id .*written slack:T024BE7LD\/U024BE7LH.*Copy member ID/);
    expect(message).toMatch(/hookhub\.yaml:5:\d+: "eng" is not a channel id/);
    expect(message).toMatch(/hookhub\.yaml:6:\d+: "discord:1180000000000000900\/general" .*Developer Mode/);
    expect(message).not.toMatch(/hookhub\.yaml:7/);
  });

  it('refuses at config load a chat channel mapped to a hookhub channel that is not defined, with file:line', () => {
    const yaml =
      'channels:\n  eng-webhook: { type: slack, url: "https://hooks.slack.com/services/T/B/x" }\nsubscriptions:\n  allow: { users: ["*"] }\n  channels:\n    C024BE91L: eng-webhok\n    C0OTHER: eng-webhook\n';
    let error: unknown;
    try {
      parseConfig('/etc/hookhub/hookhub.yaml', yaml, { vars: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /hookhub\.yaml:6:\d+: unknown channel "eng-webhok" \(did you mean "eng-webhook"\?\); channels in hookhub\.yaml: eng-webhook \(at subscriptions\.channels\.C024BE91L\)/,
    );
    expect((error as Error).message).not.toMatch(/hookhub\.yaml:7/);
  });
});
