import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../connectors/connector.ts';
import { discordConnector } from '../../connectors/discord/index.ts';
import { metaConnector } from '../../connectors/meta/index.ts';
import { slackConnector } from '../../connectors/slack/index.ts';
import { twilioConnector } from '../../connectors/twilio/index.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import type { ConnectorInstance } from '../../src/ingress/hooks-route.ts';
import { IngressServer } from '../../src/ingress/ingress-server.ts';
import { loadFixture } from '../helpers/connector-request.ts';
import { openTempEmbeddedBus, silentLogger } from '../helpers/hub-fixtures.ts';

/**
 * The provider handshakes and non-202 replies over real HTTP (ingress + embedded bus): what the
 * provider actually receives, status, content type and body, for Meta, Slack, Discord and Twilio.
 */
const keys = generateKeyPairSync('ed25519');
const discordKeys = {
  publicKey: keys.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex'),
  privateKey: keys.privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32).toString('hex'),
};
const configs: Record<string, [Connector<never>, Record<string, unknown>]> = {
  meta: [metaConnector as Connector<never>, { type: 'meta', appSecret: 'app-secret', verifyToken: 'verify-me' }],
  slack: [slackConnector as Connector<never>, { type: 'slack', secret: 'slack-secret' }],
  discord: [discordConnector as Connector<never>, { type: 'discord', ...discordKeys }],
  twilio: [twilioConnector as Connector<never>, { type: 'twilio', authToken: 'tw-token', publicUrl: 'https://hooks.example.com' }],
};

let bus: EventBus;
let server: IngressServer;
let base: string;

beforeAll(async () => {
  bus = await openTempEmbeddedBus();
  const connectors = new Map<string, ConnectorInstance>();
  for (const [name, [connector, raw]] of Object.entries(configs)) {
    const config = connector.configSchema.parse(raw) as ConnectorInstance['config'];
    connectors.set(name, { name, connector, config });
  }
  server = new IngressServer({ connectors, bus, bodyLimit: 1024 * 1024, logger: silentLogger });
  base = `http://127.0.0.1:${await server.listen(0)}`;
});

afterAll(async () => {
  await server?.close();
  await bus?.close();
});

/** POSTs a bundled sample signed by the connector's own `sign()`. */
async function postSample(name: string, file: string, changes: Record<string, string> = {}): Promise<Response> {
  const [connector, raw] = configs[name]!;
  const body = loadFixture(name, file);
  const ctx = { name, config: connector.configSchema.parse(raw), now: () => new Date() };
  const headers = { ...connector.sign(body, ctx, { id: 'handshake-test', event: 'sample' }), ...changes };
  return fetch(`${base}/hooks/${name}`, { method: 'POST', headers, body: new Uint8Array(body) });
}

describe('provider handshakes over HTTP', () => {
  it('meta: GET hub.challenge is echoed as text/plain; a wrong verify token is 401', async () => {
    const ok = await fetch(`${base}/hooks/meta?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe('1158201444');
    const bad = await fetch(`${base}/hooks/meta?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`);
    expect(bad.status).toBe(401);
  });

  it('slack: url_verification gets {"challenge"}; a slash command an empty 200 after it is stored', async () => {
    const handshake = await postSample('slack', 'url_verification.json');
    expect(handshake.status).toBe(200);
    expect(await handshake.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    const command = await postSample('slack', 'slash_command.form');
    expect(command.status).toBe(200);
    expect(await command.text()).toBe('');
    const stored = await bus.query({ stream: 'events', limit: 100 });
    expect(stored.map((m) => (m.payload as { type: string }).type)).toContain('slack.command.webhook-collect');
  });

  it('discord: PING gets {"type":1}; an invalid signature is 401, as Discord\'s probe requires', async () => {
    const ping = await postSample('discord', 'ping.json');
    expect(ping.status).toBe(200);
    expect(await ping.json()).toEqual({ type: 1 });
    const probe = await postSample('discord', 'ping.json', { 'x-signature-ed25519': '0'.repeat(128) });
    expect(probe.status).toBe(401);
  });

  it('twilio: an incoming message is answered 204 with no body (no TwiML, no auto-reply)', async () => {
    const response = await postSample('twilio', 'message-received.form');
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });
});
