import { describe, expect, it } from 'vitest';
import { slackConnector } from '../../../../connectors/slack/index.ts';
import { PayloadError, VerificationError } from '../../../../src/errors.ts';
import { connectorContext, loadFixture, signedRequest } from '../../../helpers/connector-request.ts';
import { itVerifiesSignedBodies } from '../../../helpers/signed-connector-cases.ts';

const NOW = new Date('2024-05-14T12:00:00Z');
const config = (secret: string | string[]) => ({ type: 'slack', secret });
const ctx = connectorContext(slackConnector, config('slack-signing'), NOW, 'slack');
const rotated = connectorContext(slackConnector, config(['slack-new', 'slack-signing']), NOW, 'slack');
const wrong = connectorContext(slackConnector, config('nope'), NOW, 'slack');
const mention = loadFixture('slack', 'app_mention.json');
const meta = { id: 'Ev0LAN670R', event: 'app_mention' };
const sign = (body: Buffer, changes: Record<string, string | undefined> = {}) => signedRequest(slackConnector, ctx, body, meta, changes);

describe('slack connector: verification', () => {
  itVerifiesSignedBodies({
    connector: slackConnector,
    ctx,
    rotated,
    wrong,
    body: mention,
    meta,
    signatureHeaders: ['x-slack-signature'],
    tampered: Buffer.from(mention.toString().replace('hour of the pearl', 'hour of the wolf')),
    nonJson: Buffer.from('{not json'),
  });

  it("accepts the example from Slack's documentation", async () => {
    // https://api.slack.com/authentication/verifying-requests-from-slack ("Validating a request"):
    // signing secret 8f742231b10e8888abcd99yyyzzz85a5, timestamp 1531420618, the slash-command body
    // stored as fixtures/slash_command.form, signature v0=a2114d57….
    const body = loadFixture('slack', 'slash_command.form');
    const docs = connectorContext(slackConnector, config('8f742231b10e8888abcd99yyyzzz85a5'), new Date(1531420618_000 + 30_000));
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': '1531420618',
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    };
    const { events, reply } = await slackConnector.handle({ method: 'POST', url: '/hooks/slack', headers, body }, docs);
    expect(reply).toEqual({ status: 200, body: '' });
    expect(events[0]).toMatchObject({
      type: 'slack.command.webhook-collect',
      id: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    });
    expect(slackConnector.sign(body, { ...docs, now: () => new Date(1531420618_000) }, meta)['x-slack-signature']).toBe(
      headers['x-slack-signature'],
    );
  });

  it('rejects a timestamp more than 5 minutes off, and a missing or malformed one', async () => {
    const old = connectorContext(slackConnector, config('slack-signing'), new Date(NOW.getTime() - 301_000));
    await expect(async () => slackConnector.handle(signedRequest(slackConnector, old, mention, meta), ctx)).rejects.toThrow(/s old/);
    const ahead = connectorContext(slackConnector, config('slack-signing'), new Date(NOW.getTime() + 301_000));
    await expect(async () => slackConnector.handle(signedRequest(slackConnector, ahead, mention, meta), ctx)).rejects.toThrow(
      /in the future/,
    );
    const edge = connectorContext(slackConnector, config('slack-signing'), new Date(NOW.getTime() - 299_000));
    expect((await slackConnector.handle(signedRequest(slackConnector, edge, mention, meta), ctx)).events).toHaveLength(1);
    await expect(async () => slackConnector.handle(sign(mention, { 'x-slack-request-timestamp': undefined }), ctx)).rejects.toThrow(
      /missing X-Slack-Request-Timestamp/,
    );
    await expect(async () => slackConnector.handle(sign(mention, { 'x-slack-request-timestamp': '1e9' }), ctx)).rejects.toThrow(
      VerificationError,
    );
  });

  it('binds the timestamp into the signature: moving it breaks verification', async () => {
    const request = sign(mention, { 'x-slack-request-timestamp': String(NOW.getTime() / 1000 - 10) });
    await expect(async () => slackConnector.handle(request, ctx)).rejects.toThrow(/does not match/);
  });
});

describe('slack connector: handshake, commands, interactions, retries', () => {
  it('answers url_verification with the challenge, after verifying it, and records nothing', async () => {
    const body = loadFixture('slack', 'url_verification.json');
    const { events, reply } = await slackConnector.handle(sign(body), ctx);
    expect(events).toEqual([]);
    expect(reply).toEqual({ status: 200, body: { challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' } });
    const unsigned = sign(body, { 'x-slack-signature': undefined });
    await expect(async () => slackConnector.handle(unsigned, ctx)).rejects.toThrow(VerificationError);
    const noChallenge = sign(Buffer.from('{"type":"url_verification"}'));
    await expect(async () => slackConnector.handle(noChallenge, ctx)).rejects.toThrow(PayloadError);
  });

  it('answers ssl_check probes with an empty 200', async () => {
    const { events, reply } = await slackConnector.handle(sign(Buffer.from('ssl_check=1&token=x')), ctx);
    expect(events).toEqual([]);
    expect(reply).toEqual({ status: 200, body: '' });
  });

  it('refuses forms that are neither commands nor interactions, and bad command names', async () => {
    await expect(async () => slackConnector.handle(sign(Buffer.from('a=1')), ctx)).rejects.toThrow(/neither/);
    await expect(async () => slackConnector.handle(sign(Buffer.from('command=%2Fa.b&trigger_id=1')), ctx)).rejects.toThrow(PayloadError);
  });

  it('records X-Slack-Retry-Num and X-Slack-Retry-Reason, keeping the event_id', async () => {
    const request = sign(mention, { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' });
    const { events } = await slackConnector.handle(request, ctx);
    expect(events[0]).toMatchObject({ id: 'Ev0LAN670R', slackretrynum: 2, slackretryreason: 'http_timeout' });
    const first = await slackConnector.handle(sign(mention), ctx);
    expect(first.events[0]).not.toHaveProperty('slackretrynum');
  });

  it('gives envelopes without event_id (app_rate_limited) a body digest id', async () => {
    const body = Buffer.from(
      '{"token":"x","type":"app_rate_limited","team_id":"T123","minute_rate_limited":1518467820,"api_app_id":"A123"}',
    );
    const { events } = await slackConnector.handle(sign(body), ctx);
    expect(events[0]).toMatchObject({ type: 'slack.app_rate_limited', subject: 'T123' });
    expect(events[0]?.id).toMatch(/^slack:sha256-[0-9a-f]{64}$/);
  });
});

describe('slack connector: normalization of every fixture', () => {
  const expected: Record<string, Record<string, unknown> | 'handshake'> = {
    url_verification: 'handshake',
    app_mention: {
      id: 'Ev0LAN670R',
      type: 'slack.app_mention',
      subject: 'C0LAN2Q65',
      title: 'What is the hour of the pearl, <@U0LAN0Z89>?',
      actor: 'U061F7AUR',
    },
    reaction_added: {
      id: 'Ev123ABC456',
      type: 'slack.reaction_added',
      subject: 'C123ABC456',
      title: ':thumbsup:',
      actor: 'U123ABC456',
      time: '2013-02-13T19:13:24.000Z',
    },
    slash_command: {
      id: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
      type: 'slack.command.webhook-collect',
      subject: 'G8PSS9T3V',
      title: '/webhook-collect',
      actor: 'roadrunner',
    },
    block_actions: {
      id: '12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3',
      type: 'slack.interaction.block_actions',
      subject: 'C123ABC456',
      title: 'WaXA',
      actor: 'fake_username',
    },
  };

  it('covers every sample', () => {
    expect(Object.keys(slackConnector.samples).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [sample, attributes] of Object.entries(expected)) {
    if (attributes === 'handshake') continue;
    it(`normalizes ${sample}`, async () => {
      const { events } = await slackConnector.handle(sign(loadFixture('slack', slackConnector.samples[sample] ?? '')), ctx);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ ...attributes, source: '/connectors/slack' });
    });
  }

  it('keeps the parsed form or interaction JSON as data', async () => {
    const { events } = await slackConnector.handle(sign(loadFixture('slack', 'block_actions.form')), ctx);
    expect(events[0]?.data).toMatchObject({ type: 'block_actions', actions: [{ value: 'click_me_123' }] });
    const command = await slackConnector.handle(sign(loadFixture('slack', 'slash_command.form')), ctx);
    expect(command.events[0]?.data).toMatchObject({ command: '/webhook-collect', text: '', team_domain: 'testteamnow' });
  });
});
