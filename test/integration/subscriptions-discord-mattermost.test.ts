import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discordConnector } from '../../connectors/discord/index.ts';
import { stripeConnector } from '../../connectors/stripe/index.ts';
import { readEnv } from '../../src/config/env.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { eventually, silentLogger, tempDir } from '../helpers/hub-fixtures.ts';
import { GITHUB_SECRET, sendPullRequest, startFakeSlack, type FakeSlack } from './subscriptions-harness.ts';

const keys = generateKeyPairSync('ed25519');
const publicKey = Buffer.from(keys.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex');
const privateKey = keys.privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('hex');
const MM_TOKEN = 'mattermost-command-token';
const STRIPE_SECRET = 'whsec_stripe-test-secret';
const GUILD = '1180000000000000900';
const DISCORD_CHANNEL = '1180000000000000901';
const MM_TEAM = 'b6c8dj3n9ffyzqwa1kq7hpe3ko';
const MM_CHANNEL = 'r5tmwh8c1jgb7qkxp3n9ya6dze';

async function sendStripe(port: number, type: string, amount: number, currency = 'usd'): Promise<void> {
  const event = {
    id: `evt_${randomUUID().replace(/-/g, '')}`,
    object: 'event',
    type,
    livemode: false,
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: `pi_${amount}`,
        object: 'payment_intent',
        amount,
        currency,
        receipt_email: 'buyer@example.com',
        last_payment_error: { message: 'Your card was declined.' },
      },
    },
  };
  const body = Buffer.from(JSON.stringify(event));
  const ctx = {
    name: 'stripe',
    config: stripeConnector.configSchema.parse({ type: 'stripe', secret: STRIPE_SECRET }),
    now: () => new Date(),
  };
  const headers = stripeConnector.sign(body, ctx, { id: event.id, event: type });
  const res = await fetch(`http://127.0.0.1:${port}/hooks/stripe`, { method: 'POST', headers, body: new Uint8Array(body) });
  expect(res.status).toBe(202);
}

function config(fake: string) {
  const dir = tempDir('hookhub-subs-chat-');
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'none.yaml'), 'rules: []\n');
  const yaml = `
server: { port: 0, host: 127.0.0.1 }
bus: { type: embedded, path: ./data/hookhub.db }
connectors:
  github: { type: github, secret: ${GITHUB_SECRET} }
  discord: { type: discord, publicKey: ${publicKey} }
  mattermost: { type: mattermost, token: ${MM_TOKEN} }
  stripe: { type: stripe, secret: ${STRIPE_SECRET} }
delivery: { allowlist: [127.0.0.1] }
rules: ./rules
subscriptions:
  allow: { channels: ["discord:${GUILD}/${DISCORD_CHANNEL}", "mattermost:${MM_TEAM}/${MM_CHANNEL}"] }
  discord: { botToken: discord-bot-token, apiUrl: "${fake}/discord" }
  mattermost: { url: "${fake}/mm", botToken: mm-bot-token }
`;
  return parseConfig(join(dir, 'hookhub.yaml'), yaml, readEnv({}));
}

describe('chat subscriptions from Discord and Mattermost', () => {
  let fake: FakeSlack;
  let hub: RunningHub;
  beforeAll(async () => {
    fake = await startFakeSlack();
    hub = await startHub({ config: config(fake.url), logger: silentLogger });
  });
  afterAll(async () => {
    await hub?.stop();
    fake?.close();
  });

  it('Discord: a signed application command is deferred, answered through the interaction webhook, and subscribes', async () => {
    const interaction = {
      id: '1180000000000000001',
      application_id: 'APP1',
      type: 2,
      token: 'interaction-token',
      guild_id: GUILD,
      channel_id: DISCORD_CHANNEL,
      member: { user: { id: 'U9', username: 'ana' } },
      data: {
        name: 'hookhub',
        options: [{ type: 1, name: 'subscribe', options: [{ type: 3, name: 'args', value: 'acme/api pulls +label:bug' }] }],
      },
    };
    const body = Buffer.from(JSON.stringify(interaction));
    const headers = discordConnector.sign(
      body,
      { name: 'discord', config: { type: 'discord', publicKey, privateKey, tolerance: 300 }, now: () => new Date() },
      { id: '', event: '' },
    );
    const res = await fetch(`http://127.0.0.1:${hub.port}/hooks/discord`, { method: 'POST', headers, body: new Uint8Array(body) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 5 });
    const reply = await eventually(
      () => fake.calls.find((c) => c.path === '/discord/webhooks/APP1/interaction-token/messages/@original'),
      15_000,
      'the Discord reply',
    );
    expect(reply!.method).toBe('PATCH');
    expect(reply!.body.content).toBe('Subscribed this channel to acme/api: pulls · +label:bug (by @ana).');

    await sendPullRequest(hub.port, { number: 5, labels: ['docs'] });
    await sendPullRequest(hub.port, { number: 6, labels: ['bug'] });
    const post = await eventually(
      () => fake.calls.find((c) => c.path === `/discord/channels/${DISCORD_CHANNEL}/messages`),
      15_000,
      'the Discord message',
    );
    expect(post!.authorization).toBe('Bot discord-bot-token');
    expect(post!.body.embeds).toEqual([
      expect.objectContaining({ title: 'PR #6 Change 6', url: 'https://github.com/acme/api/pull/6', color: 0x1f883d }),
    ]);
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.calls.filter((c) => c.path === `/discord/channels/${DISCORD_CHANNEL}/messages`)).toHaveLength(1);
  });

  it('Mattermost: a token-verified slash command gets {} at once, then the result on response_url', async () => {
    const form = new URLSearchParams({
      channel_id: MM_CHANNEL,
      channel_name: 'ops',
      command: '/hookhub',
      text: 'subscribe stripe failed disputes >=100 USD',
      response_url: `${fake.url}/commands/mm-1`,
      team_id: MM_TEAM,
      trigger_id: randomUUID(),
      user_id: 'UM',
      user_name: 'omar',
    });
    const res = await fetch(`http://127.0.0.1:${hub.port}/hooks/mattermost`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Token ${MM_TOKEN}` },
      body: form.toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const reply = await eventually(() => fake.calls.find((c) => c.path === '/commands/mm-1'), 15_000, 'the Mattermost reply');
    expect(reply!.body).toEqual({
      response_type: 'in_channel',
      // A zero-width space after @: a reply in the channel notifies no one, not even its author.
      text: 'Subscribed this channel to stripe: failed, disputes · >=100 USD (by @\u200bomar).',
    });
    const wrongToken = await fetch(`http://127.0.0.1:${hub.port}/hooks/mattermost`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Token nope' },
      body: form.toString(),
    });
    expect(wrongToken.status).toBe(401);

    await sendStripe(hub.port, 'payment_intent.payment_failed', 5_000); // 50 USD: below the filter
    await sendStripe(hub.port, 'payment_intent.payment_failed', 25_000, 'eur'); // another currency
    await sendStripe(hub.port, 'payment_intent.payment_failed', 25_000);
    const post = await eventually(() => fake.calls.find((c) => c.path === '/mm/api/v4/posts'), 15_000, 'the Mattermost post');
    expect(post!.authorization).toBe('Bearer mm-bot-token');
    expect(post!.body).toMatchObject({
      channel_id: MM_CHANNEL,
      props: { attachments: [expect.objectContaining({ title: 'Payment failed: 250.00 USD' })] },
    });
    expect(JSON.stringify(post!.body)).toContain('buyer@example.com');
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.calls.filter((c) => c.path === '/mm/api/v4/posts')).toHaveLength(1);
  });
});
