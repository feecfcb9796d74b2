import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../../../connectors/connector.ts';
import { mattermostConnector } from '../../../../connectors/mattermost/index.ts';
import { VerificationError, PayloadError } from '../../../../src/errors.ts';

const fixture = readFileSync(new URL('../../../../connectors/mattermost/fixtures/slash_command.form', import.meta.url));
const config = mattermostConnector.configSchema.parse({ type: 'mattermost', token: ['new-token', 'xr3j5x3p4pfk7ekm9ha7q1hbza'] });
const ctx = { name: 'mm', config, now: () => new Date('2026-11-28T17:00:00Z') };
const request = (headers: Record<string, string>, body: Buffer = fixture): WebhookRequest => ({
  method: 'POST',
  url: '/hooks/mm',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body,
});

describe('mattermost connector', () => {
  it('accepts the token from the Authorization header and normalizes the command', async () => {
    const result = await mattermostConnector.handle(request({ authorization: 'Token new-token' }), ctx);
    expect(result.reply).toEqual({ status: 200, body: {} });
    const [event] = result.events;
    expect(event).toMatchObject({
      type: 'mattermost.command.hookhub',
      source: '/connectors/mm',
      subject: 'fukxanjgjbnkxeyqffcvrwpwby',
      title: '/hookhub subscribe acme/api pulls -label:dependencies',
      actor: 'ana',
      data: {
        channel_name: 'town-square',
        user_id: 'rnina9994bde8mua79zqcg5hmo',
        response_url: 'https://mattermost.example.com/hooks/commands/qwerty123456',
      },
    });
    expect(event?.id).toMatch(/^cXJhd3Zvam1/);
    expect(event?.data).not.toHaveProperty('token');
  });

  it('falls back to the form token (older Mattermost) and accepts every listed token', async () => {
    const result = await mattermostConnector.handle(request({}), ctx);
    expect(result.events).toHaveLength(1);
  });

  it.each([
    ['a wrong header token', { authorization: 'Token nope' }, /does not match/],
    ['a malformed Authorization header', { authorization: 'Bearer new-token' }, /expected "Token <token>"/],
  ])('401 for %s', async (_what, headers, message) => {
    await expect(async () => mattermostConnector.handle(request(headers), ctx)).rejects.toThrow(message);
    await expect(async () => mattermostConnector.handle(request(headers), ctx)).rejects.toBeInstanceOf(VerificationError);
  });

  it('401 without any token, 400 for a form without a command', async () => {
    const noToken = Buffer.from('command=%2Fhookhub&text=list');
    await expect(async () => mattermostConnector.handle(request({}, noToken), ctx)).rejects.toBeInstanceOf(VerificationError);
    const noCommand = Buffer.from('text=list');
    await expect(async () =>
      mattermostConnector.handle(request({ authorization: 'Token new-token' }, noCommand), ctx),
    ).rejects.toBeInstanceOf(PayloadError);
  });

  it('sign() sends the first token the way Mattermost does', () => {
    expect(mattermostConnector.sign(fixture, ctx, { id: 'x', event: 'slash_command' })).toEqual({
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'Token new-token',
    });
  });
});
