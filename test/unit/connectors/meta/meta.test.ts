import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { metaConnector } from '../../../../connectors/meta/index.ts';
import { PayloadError, VerificationError } from '../../../../src/errors.ts';
import { connectorContext, loadFixture, signedRequest } from '../../../helpers/connector-request.ts';
import { itVerifiesSignedBodies } from '../../../helpers/signed-connector-cases.ts';

const NOW = new Date('2024-05-14T12:00:00Z');
const config = (appSecret: string | string[]) => ({ type: 'meta', appSecret, verifyToken: 'my-verify-token' });
const ctx = connectorContext(metaConnector, config('app-secret'), NOW, 'meta');
const rotated = connectorContext(metaConnector, config(['app-secret-new', 'app-secret']), NOW, 'meta');
const wrong = connectorContext(metaConnector, config('nope'), NOW, 'meta');
const whatsapp = loadFixture('meta', 'whatsapp-messages.json');
const comments = loadFixture('meta', 'instagram-comments.json');
const meta = { id: 'unused', event: 'whatsapp_business_account.messages' };
const sign = (body: Buffer) => signedRequest(metaConnector, ctx, body, meta);
const get = (query: string) => ({ method: 'GET', url: `/hooks/meta?${query}`, headers: {}, body: Buffer.alloc(0) });

describe('meta connector: verification', () => {
  itVerifiesSignedBodies({
    connector: metaConnector,
    ctx,
    rotated,
    wrong,
    body: whatsapp,
    meta,
    signatureHeaders: ['x-hub-signature-256'],
    tampered: Buffer.from(whatsapp.toString().replace('another color', 'another size')),
  });

  it('verifies the escaped-unicode bytes Meta sends, never a re-serialization', async () => {
    expect(comments.toString()).toContain('Caf\\u00e9');
    const { events } = await metaConnector.handle(sign(comments), ctx);
    expect(events[0]?.title).toBe("Café crème, s'il vous plaît ☕");
    // Signed over JSON.stringify(JSON.parse(body)) — raw UTF-8 "é" — the bytes Meta actually sent fail.
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(comments.toString())));
    expect(reserialized.equals(comments)).toBe(false);
    const signature = `sha256=${createHmac('sha256', 'app-secret').update(reserialized).digest('hex')}`;
    const request = { ...sign(comments), headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } };
    await expect(async () => metaConnector.handle(request, ctx)).rejects.toThrow(VerificationError);
  });

  it('signs like Meta documents: sha256= + hex HMAC-SHA256 of the payload with the App Secret', () => {
    // https://developers.facebook.com/docs/graph-api/webhooks/getting-started#validate-payloads
    const expected = createHmac('sha256', 'app-secret').update(comments).digest('hex');
    expect(metaConnector.sign(comments, ctx, meta)['x-hub-signature-256']).toBe(`sha256=${expected}`);
  });

  it('refuses methods other than GET and POST', async () => {
    await expect(async () => metaConnector.handle({ ...sign(whatsapp), method: 'PUT' }, ctx)).rejects.toThrow(PayloadError);
  });
});

describe('meta connector: GET handshake', () => {
  it('answers hub.challenge as text when hub.verify_token matches', async () => {
    const result = await metaConnector.handle(get('hub.mode=subscribe&hub.verify_token=my-verify-token&hub.challenge=1158201444'), ctx);
    expect(result).toEqual({ events: [], reply: { status: 200, body: '1158201444' } });
  });

  it('rejects a wrong or missing token with 401, and other modes or a bad challenge with 400', async () => {
    await expect(async () => metaConnector.handle(get('hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1'), ctx)).rejects.toThrow(
      VerificationError,
    );
    await expect(async () => metaConnector.handle(get('hub.mode=subscribe&hub.challenge=1'), ctx)).rejects.toThrow(VerificationError);
    await expect(async () => metaConnector.handle(get('hub.verify_token=my-verify-token&hub.challenge=1'), ctx)).rejects.toThrow(
      PayloadError,
    );
    await expect(async () =>
      metaConnector.handle(get('hub.mode=subscribe&hub.verify_token=my-verify-token&hub.challenge=%3Cscript%3E'), ctx),
    ).rejects.toThrow(PayloadError);
    await expect(async () => metaConnector.handle(get('hub.mode=subscribe&hub.verify_token=my-verify-token'), ctx)).rejects.toThrow(
      PayloadError,
    );
  });
});

describe('meta connector: one event per change', () => {
  it('keeps two changes of one entry distinct, and the ids stable across batching', async () => {
    const two = {
      object: 'page',
      entry: [
        {
          id: '42',
          time: 1630437823,
          changes: [
            { field: 'feed', value: { verb: 'add', message: 'a' } },
            { field: 'feed', value: { verb: 'add', message: 'b' } },
          ],
        },
      ],
    };
    const { events } = await metaConnector.handle(sign(Buffer.from(JSON.stringify(two))), ctx);
    expect(events.map((e) => e.title)).toEqual(['a', 'b']);
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
    const alone = { object: 'page', entry: [{ id: '42', time: 1630437823, changes: [two.entry[0]!.changes[1]] }] };
    const again = await metaConnector.handle(sign(Buffer.from(JSON.stringify(alone))), ctx);
    expect(again.events[0]?.id).toBe(events[1]?.id);
    expect(events[0]?.id).toMatch(/^page:42:1630437823:feed:[0-9a-f]{16}$/);
  });

  it('records Messenger standby[] items (a conversation another app owns), alone or batched with messaging[]', async () => {
    const item = (mid: string) => ({
      sender: { id: '77' },
      recipient: { id: '42' },
      timestamp: 1458692752478,
      message: { mid, text: mid },
    });
    const standbyOnly = { object: 'page', entry: [{ id: '42', time: 1458692752478, standby: [item('s1'), item('s2')] }] };
    const alone = await metaConnector.handle(sign(Buffer.from(JSON.stringify(standbyOnly))), ctx);
    expect(alone.events.map((e) => [e.type, e.title])).toEqual([
      ['meta.page.standby', 's1'],
      ['meta.page.standby', 's2'],
    ]);
    const mixed = { object: 'page', entry: [{ id: '42', time: 1458692752478, messaging: [item('m1')] }, standbyOnly.entry[0]] };
    const batched = await metaConnector.handle(sign(Buffer.from(JSON.stringify(mixed))), ctx);
    expect(batched.events.map((e) => e.type)).toEqual(['meta.page.messages', 'meta.page.standby', 'meta.page.standby']);
    expect(batched.events.slice(1).map((e) => e.id)).toEqual(alone.events.map((e) => e.id));
  });

  it('names Messenger edits, handovers and game plays after the webhook field a rule subscribes to', async () => {
    const base = { sender: { id: '77' }, recipient: { id: '42' }, timestamp: 1458692752478 };
    const messaging = [
      { ...base, message_edit: { mid: 'm1', text: 'fixed', num_edit: 1 } },
      { ...base, pass_thread_control: { new_owner_app_id: '123', previous_owner_app_id: null, metadata: '' } },
      { ...base, take_thread_control: { previous_owner_app_id: '123', new_owner_app_id: '456', metadata: '' } },
      { ...base, game_play: { game_id: '9', player_id: '8', context_type: 'SOLO', score: 3 } },
    ];
    const body = { object: 'page', entry: [{ id: '42', time: 1458692752478, messaging }] };
    const { events } = await metaConnector.handle(sign(Buffer.from(JSON.stringify(body))), ctx);
    expect(events.map((e) => e.type)).toEqual([
      'meta.page.message_edits',
      'meta.page.messaging_handovers',
      'meta.page.messaging_handovers',
      'meta.page.messaging_game_plays',
    ]);
  });

  it('answers 400 for a signed payload without object or entries', async () => {
    for (const body of ['{"entry":[]}', '{"object":"page"}', '{"object":"page","entry":[]}']) {
      await expect(async () => metaConnector.handle(sign(Buffer.from(body)), ctx)).rejects.toThrow(PayloadError);
    }
  });

  it('drops the unusable entries and changes of a batch, naming where they are, and keeps the rest', async () => {
    const body = {
      object: 'page',
      entry: [
        { id: '1' },
        null,
        { id: '2', changes: [{ value: {} }, { field: 'Bad Field!', value: {} }, { field: 'feed', value: { message: 'kept' } }] },
        { id: '3', messaging: 'not a list', standby: {} },
      ],
    };
    const { events, dropped } = await metaConnector.handle(sign(Buffer.from(JSON.stringify(body))), ctx);
    expect(events.map((e) => e.title)).toEqual(['kept']);
    expect(dropped).toEqual([
      { item: 'entry[0]', reason: 'no changes[], messaging[] or standby[]' },
      { item: 'entry[1]', reason: 'not an object' },
      { item: 'entry[2].changes[0]', reason: 'no usable `field`' },
      { item: 'entry[2].changes[1]', reason: 'no usable `field`' },
      { item: 'entry[3].messaging', reason: 'not a list' },
      { item: 'entry[3].standby', reason: 'not a list' },
    ]);
  });
});

describe('meta connector: normalization of every fixture', () => {
  const expected: Record<string, Record<string, unknown>> = {
    'whatsapp_business_account.messages': {
      type: 'meta.whatsapp_business_account.messages',
      subject: '102290129340398',
      title: 'Does it come in another color?',
      actor: 'Sheena Nelson',
      time: NOW.toISOString(),
    },
    'instagram.comments': {
      type: 'meta.instagram.comments',
      subject: '17841405309211844',
      actor: 'test',
      time: '2018-03-07T00:46:11.000Z',
    },
    'page.feed': {
      type: 'meta.page.feed',
      subject: '1067280970047460',
      title: 'Example post content.',
      actor: 'Test Page',
      time: '2021-08-31T19:23:43.000Z',
    },
    'page.messages': {
      type: 'meta.page.messages',
      subject: '1067280970047460',
      title: 'hello, world!',
      actor: '6565656565656565',
      time: '2016-03-23T00:25:52.478Z',
    },
  };

  it('covers every sample', () => {
    expect(Object.keys(metaConnector.samples).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [sample, attributes] of Object.entries(expected)) {
    it(`normalizes ${sample}`, async () => {
      const body = loadFixture('meta', metaConnector.samples[sample] ?? '');
      const { events } = await metaConnector.handle(sign(body), ctx);
      expect(events).toHaveLength(1);
      const payload = JSON.parse(body.toString()) as { object: string; entry: [{ id: string; time?: number }] };
      expect(events[0]).toMatchObject({
        ...attributes,
        source: '/connectors/meta',
        data: { object: payload.object, entry: { id: payload.entry[0].id, time: payload.entry[0].time } },
      });
    });
  }
});
