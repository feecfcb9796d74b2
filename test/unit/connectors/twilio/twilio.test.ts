import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { twilioConnector } from '../../../../connectors/twilio/index.ts';
import { signTwilio } from '../../../../connectors/twilio/verify.ts';
import { PayloadError, VerificationError } from '../../../../src/errors.ts';
import { connectorContext, loadFixture, signedRequest } from '../../../helpers/connector-request.ts';
import { itVerifiesSignedBodies } from '../../../helpers/signed-connector-cases.ts';

const NOW = new Date('2024-05-14T12:00:00Z');
const PUBLIC_URL = 'https://hooks.example.com/hooks/twilio';
const config = (authToken: string | string[], publicUrl: string | null = PUBLIC_URL) => ({
  type: 'twilio',
  authToken,
  ...(publicUrl !== null ? { publicUrl } : {}),
});
const ctx = connectorContext(twilioConnector, config('twilio-token'), NOW, 'twilio');
const sms = loadFixture('twilio', 'message-received.form');
const meta = { id: 'unused', event: 'message.received' };
const sign = (body: Buffer, changes: Record<string, string | undefined> = {}) => signedRequest(twilioConnector, ctx, body, meta, changes);

// twilio/twilio-node spec/validation.spec.js ("Request validation"): Auth Token '12345', this URL
// and these parameters; the same values are in TwilioDevEd/api-snippets security/signature_validation.
const SDK = {
  token: '12345',
  params: { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' },
  path: '/myapp.php?foo=1&bar=2',
  jsonBody: '{"property": "value", "boolean": true}',
  bodySha: '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620',
};
function sdkRequest(
  publicUrl: string,
  path: string,
  signature: string,
  body = new URLSearchParams(SDK.params).toString(),
  type = 'application/x-www-form-urlencoded',
) {
  const sdkCtx = connectorContext(twilioConnector, config(SDK.token, publicUrl), NOW);
  const headers = { 'content-type': type, 'x-twilio-signature': signature };
  return { request: { method: 'POST', url: path, headers, body: Buffer.from(body) }, sdkCtx };
}

describe('twilio connector: published vectors of twilio-node', () => {
  const cases: [string, string, string, string][] = [
    ['the default signature', 'https://mycompany.com', SDK.path, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='],
    ['a URL signed with the default port 443', 'https://mycompany.com', SDK.path, 'kvajT1Ptam85bY51eRf/AJRuM3w='],
    ['an https URL with a port, signed without it', 'https://mycompany.com:1234', SDK.path, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='],
    ['an http URL with a port', 'http://mycompany.com:1234', SDK.path, 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU='],
    ['an http URL signed with port 80', 'http://mycompany.com', SDK.path, '0ZXoZLH/DfblKGATFgpif+LLRf4='],
    [
      'a raw quote in the query, never re-encoded',
      'https://mycompany.com',
      `${SDK.path}&Body=It's+amazing`,
      'dsq4Ehbj6cs+KdTkpF5sSSplOWw=',
    ],
  ];
  for (const [name, publicUrl, path, signature] of cases) {
    it(`accepts ${name}`, async () => {
      const { request, sdkCtx } = sdkRequest(publicUrl, path, signature);
      const { events } = await twilioConnector.handle(request, sdkCtx);
      expect(events[0]).toMatchObject({ type: 'twilio.call', subject: 'CA1234567890ABCDE' });
    });
  }

  it('rejects the vector with a wrong signature, another URL, or a changed parameter', async () => {
    const bad = [
      sdkRequest('https://mycompany.com', SDK.path, 'WRONG_SIGNATURE'),
      sdkRequest('https://mycompany.com', `${SDK.path}&somethingUnexpected=true`, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='),
      sdkRequest(
        'https://mycompany.com',
        SDK.path,
        'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
        new URLSearchParams({ ...SDK.params, Digits: '1235' }).toString(),
      ),
    ];
    for (const { request, sdkCtx } of bad)
      await expect(async () => twilioConnector.handle(request, sdkCtx)).rejects.toThrow(VerificationError);
  });

  it('validates a JSON body through bodySHA256 (validateRequestWithBody)', async () => {
    expect(createHash('sha256').update(SDK.jsonBody).digest('hex')).toBe(SDK.bodySha);
    const path = `${SDK.path}&bodySHA256=${SDK.bodySha}`;
    const { request, sdkCtx } = sdkRequest('https://mycompany.com', path, 'a9nBmqA0ju/hNViExpshrM61xv4=', SDK.jsonBody, 'application/json');
    // Verification passes; the vector's body just names no Twilio resource.
    await expect(async () => twilioConnector.handle(request, sdkCtx)).rejects.toThrow(/no MessageSid, CallSid/);
    const tampered = { ...request, body: Buffer.from(SDK.jsonBody.replace('true', 'false')) };
    await expect(async () => twilioConnector.handle(tampered, sdkCtx)).rejects.toThrow(/bodySHA256 does not match/);
    const noHash = sdkRequest('https://mycompany.com', SDK.path, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', SDK.jsonBody, 'application/json');
    await expect(async () => twilioConnector.handle(noHash.request, noHash.sdkCtx)).rejects.toThrow(VerificationError);
  });
});

describe('twilio connector: verification', () => {
  itVerifiesSignedBodies({
    connector: twilioConnector,
    ctx,
    rotated: connectorContext(twilioConnector, config(['twilio-secondary', 'twilio-token']), NOW, 'twilio'),
    wrong: connectorContext(twilioConnector, config('nope'), NOW, 'twilio'),
    body: sms,
    meta,
    signatureHeaders: ['x-twilio-signature'],
    tampered: Buffer.from(sms.toString().replace('Body=Hello', 'Body=Goodbye')),
  });

  it('signs the URL Twilio called: behind a proxy without publicUrl it uses X-Forwarded-Proto/Host', async () => {
    const bare = connectorContext(twilioConnector, config('twilio-token', null), NOW, 'twilio');
    const signature = signTwilio('twilio-token', 'https://abc.ngrok.app/hooks/twilio', [...new URLSearchParams(sms.toString())]);
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, host: '127.0.0.1:8080' };
    const request = { method: 'POST', url: '/hooks/twilio', headers, body: sms };
    await expect(async () => twilioConnector.handle(request, bare)).rejects.toThrow(/does not match https:\/\/127\.0\.0\.1/);
    const proxied = { ...request, headers: { ...headers, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'abc.ngrok.app' } };
    expect((await twilioConnector.handle(proxied, bare)).events).toHaveLength(1);
    await expect(async () => twilioConnector.handle({ ...request, headers: { 'x-twilio-signature': signature } }, bare)).rejects.toThrow(
      /set publicUrl/,
    );
    expect(() => twilioConnector.sign(sms, bare, meta)).toThrow(/needs `publicUrl`/);
  });

  it('verifies GET webhooks over the URL and its query', async () => {
    const query = 'MessageSid=SM123&SmsStatus=received&From=%2B15558675310&To=%2B15017122661&Body=hi';
    const signature = signTwilio('twilio-token', `${PUBLIC_URL}?${query}`, []);
    const request = { method: 'GET', url: `/hooks/twilio?${query}`, headers: { 'x-twilio-signature': signature }, body: Buffer.alloc(0) };
    const { events } = await twilioConnector.handle(request, ctx);
    expect(events[0]).toMatchObject({ type: 'twilio.message.received', id: 'SM123:received', title: 'hi' });
    await expect(async () => twilioConnector.handle({ ...request, url: request.url.replace('hi', 'ho') }, ctx)).rejects.toThrow(
      VerificationError,
    );
  });

  it('accepts an Event Streams delivery (JSON array, bodySHA256) as one event per CloudEvent', async () => {
    const body = loadFixture('twilio', 'event-streams-delivered.json');
    const hash = createHash('sha256').update(body).digest('hex');
    const signature = signTwilio('twilio-token', `${PUBLIC_URL}?bodySHA256=${hash}`, []);
    const headers = { 'content-type': 'application/json', 'x-twilio-signature': signature };
    const { events, reply } = await twilioConnector.handle({ method: 'POST', url: `/hooks/twilio?bodySHA256=${hash}`, headers, body }, ctx);
    expect(reply).toEqual({ status: 204, body: '' });
    expect(events).toEqual([
      expect.objectContaining({
        id: 'EZ6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d',
        type: 'twilio.messaging.message.delivered',
        subject: 'SM1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d',
        title: 'DELIVERED',
        actor: '+15017122661',
        time: '2023-07-25T18:43:40.000Z',
      }),
    ]);
  });
});

describe('twilio connector: normalization of every fixture', () => {
  const expected: Record<string, Record<string, unknown>> = {
    'message.received': {
      id: 'SM1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d:received',
      type: 'twilio.message.received',
      subject: 'SM1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d',
      title: 'Hello from Twilio! Café?',
      actor: '+15558675310',
    },
    'message.delivered': {
      id: 'SM1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d:delivered',
      type: 'twilio.message.delivered',
      title: '+15017122661 → +15558675310',
      actor: '+15017122661',
    },
    'call.ringing': {
      id: 'CA5e1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a:ringing',
      type: 'twilio.call.ringing',
      actor: '+15558675310',
    },
    'call.completed': {
      id: 'CA5e1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a:completed:3',
      type: 'twilio.call.completed',
      time: '2023-07-25T18:43:40.000Z',
    },
  };

  it('covers every sample', () => {
    expect(Object.keys(twilioConnector.samples).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [sample, attributes] of Object.entries(expected)) {
    it(`normalizes ${sample} and answers 204`, async () => {
      const body = loadFixture('twilio', twilioConnector.samples[sample] ?? '');
      const { events, reply } = await twilioConnector.handle(sign(body), ctx);
      expect(reply).toEqual({ status: 204, body: '' });
      expect(events).toEqual([expect.objectContaining({ ...attributes, data: Object.fromEntries(new URLSearchParams(body.toString())) })]);
    });
  }

  it('keeps two gathers of one call distinct by what the caller typed', async () => {
    const base = { CallSid: 'CA1', CallStatus: 'in-progress', From: '+1', To: '+2' };
    const ids = [];
    for (const Digits of ['1', '2']) {
      const { events } = await twilioConnector.handle(sign(Buffer.from(new URLSearchParams({ ...base, Digits }).toString())), ctx);
      ids.push(events[0]?.id);
    }
    expect(ids[0]).toMatch(/^CA1:in-progress:[0-9a-f]{12}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('answers 400 for a verified request that names no resource', async () => {
    await expect(async () => twilioConnector.handle(sign(Buffer.from('AccountSid=AC1&Foo=bar')), ctx)).rejects.toThrow(PayloadError);
  });
});
