import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubConnector } from '../../connectors/github/index.ts';
import { metaConnector } from '../../connectors/meta/index.ts';
import { slackConnector } from '../../connectors/slack/index.ts';
import { twilioConnector } from '../../connectors/twilio/index.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import type { HubEvent } from '../../src/events/hub-event.ts';
import type { ConnectorInstance } from '../../src/ingress/hooks-route.ts';
import { IngressServer } from '../../src/ingress/ingress-server.ts';
import { openTempEmbeddedBus, silentLogger } from '../helpers/hub-fixtures.ts';

const instances: ConnectorInstance[] = [
  { name: 'gh', connector: githubConnector, config: { type: 'github', secret: ['gh-secret'] } },
  { name: 'meta', connector: metaConnector, config: { type: 'meta', appSecret: ['app-secret'], verifyToken: ['t'] } },
  { name: 'slack', connector: slackConnector, config: { type: 'slack', secret: ['slack-secret'], tolerance: 300 } },
  {
    name: 'twilio',
    connector: twilioConnector,
    config: { type: 'twilio', authToken: ['twilio-token'], publicUrl: 'https://hooks.example.com' },
  },
];
const LATIN1_E_ACUTE = 0xe9;

let bus: EventBus;
let server: IngressServer;
let base: string;

beforeAll(async () => {
  bus = await openTempEmbeddedBus();
  server = new IngressServer({ connectors: new Map(instances.map((i) => [i.name, i])), bus, bodyLimit: 1 << 20, logger: silentLogger });
  base = `http://127.0.0.1:${await server.listen(0)}`;
});

afterAll(async () => {
  await server.close();
  await bus.close();
});

/** Posts `body` signed as the provider would (by the connector's own `sign`), or with the signature spoiled. */
async function post(name: string, body: Buffer, meta: { id: string; event: string }, spoil = false) {
  const instance = instances.find((i) => i.name === name)!;
  const headers = instance.connector.sign(body, { name, config: instance.config, now: () => new Date() }, meta);
  if (spoil) for (const key of Object.keys(headers)) if (/signature/i.test(key)) headers[key] = headers[key]!.replace(/[0-9a-f]/, 'x');
  const res = await fetch(`${base}/hooks/${name}`, { method: 'POST', headers, body: new Uint8Array(body) });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

/** `text` with its `é` as the single Latin-1 byte 0xE9 (what a sender using ISO-8859-1 would put). */
function latin1(text: string): Buffer {
  const [before = '', after = ''] = text.split('é');
  return Buffer.concat([Buffer.from(before), Buffer.from([LATIN1_E_ACUTE]), Buffer.from(after)]);
}

const githubJson = (id: string) => `{"zen":"Café ${id}","hook_id":1,"repository":{"full_name":"acme/api"}}`;
const metaJson = (id: string) =>
  `{"object":"page","entry":[{"id":"42","time":1,"changes":[{"field":"feed","value":{"message":"Café ${id}"}}]}]}`;
const slackForm = (id: string) => `command=%2Fdeploy&text=Caf%C3%A9+${id}&team_id=T1&user_id=U1&trigger_id=${id}`;
const twilioForm = (id: string) => `MessageSid=SM${id}&SmsStatus=received&From=%2B15550001&To=%2B15550002&Body=Caf%C3%A9`;

describe('ingress: bodies that are not UTF-8', () => {
  it('refuses a verified JSON body with a Latin-1 byte with 400, instead of storing U+FFFD', async () => {
    const id = randomUUID();
    for (const [name, body, meta] of [
      ['gh', githubJson(id), { id, event: 'ping' }],
      ['meta', metaJson(id), { id, event: 'page.feed' }],
    ] as const) {
      const res = await post(name, latin1(body), meta);
      expect(res.status, name).toBe(400);
      expect(res.body.error, name).toMatch(/^body is not valid UTF-8/);
    }
    expect(await bus.get('events', id)).toBeUndefined();
  });

  it('refuses verified forms whose bytes, raw or percent-decoded, are not UTF-8', async () => {
    const id = randomUUID().replace(/-/g, '');
    const cases = [
      ['slack', latin1(slackForm(id).replace('Caf%C3%A9', 'Café')), /^form body is not valid UTF-8 \(/],
      ['slack', Buffer.from(slackForm(id).replace('%C3%A9', '%E9')), /^form body is not valid UTF-8 once percent-decoded/],
      ['twilio', Buffer.from(twilioForm(id).replace('%C3%A9', '%E9')), /^form body is not valid UTF-8 once percent-decoded/],
      ['twilio', latin1(twilioForm(id).replace('Caf%C3%A9', 'Café')), /^form body is not valid UTF-8 \(/],
    ] as const;
    for (const [name, body, message] of cases) {
      const res = await post(name, body, { id, event: 'message.received' });
      expect(res.status, `${name}: ${body.toString('latin1')}`).toBe(400);
      expect(res.body.error, name).toMatch(message);
    }
  });

  it('checks the signature first: an unsigned body that is not UTF-8 is a 401', async () => {
    const id = randomUUID();
    expect((await post('gh', latin1(githubJson(id)), { id, event: 'ping' }, true)).status).toBe(401);
    expect((await post('twilio', latin1(twilioForm('x').replace('Caf%C3%A9', 'Café')), { id, event: 'm' }, true)).status).toBe(401);
  });

  it('stores UTF-8 text exactly as sent, raw or percent-encoded', async () => {
    const id = randomUUID();
    // GitHub's ping is answered 200 (its handshake) and stored like any event.
    expect((await post('gh', Buffer.from(githubJson(id)), { id, event: 'ping' })).status).toBe(200);
    expect((await bus.get<HubEvent>('events', id))?.payload.data).toMatchObject({ zen: `Café ${id}` });
    const sid = randomUUID().replace(/-/g, '');
    expect((await post('twilio', Buffer.from(twilioForm(sid)), { id: sid, event: 'message.received' })).status).toBe(204);
    expect((await bus.get<HubEvent>('events', `SM${sid}:received`))?.payload.data).toMatchObject({ Body: 'Café' });
  });
});
