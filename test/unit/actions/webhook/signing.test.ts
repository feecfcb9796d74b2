import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacHeaders, standardWebhookHeaders } from '../../../../src/actions/webhook/signing.ts';

describe('Standard Webhooks signing', () => {
  it('matches the reference vector from the Standard Webhooks / Svix libraries', () => {
    const headers = standardWebhookHeaders(
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      '{"test": 2432232314}',
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      new Date(1_614_265_330_000),
    );
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('signs with every secret during a rotation, space-separated', () => {
    const headers = standardWebhookHeaders(
      'id',
      'b',
      ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_c2Vjb25kLXNlY3JldC1rZXktYnl0ZXM='],
      new Date(0),
    );
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
  });

  it('refuses a secret without the whsec_ prefix', () => {
    expect(() => standardWebhookHeaders('id', 'b', 'plain', new Date(0))).toThrow(/whsec_/);
  });
});

describe('HMAC header styles', () => {
  it('github: X-Hub-Signature-256: sha256=<hex of the body>', () => {
    const expected = createHmac('sha256', 's3cret').update('{"a":1}').digest('hex');
    expect(hmacHeaders('{"a":1}', { style: 'github', secret: 's3cret' })).toEqual({ 'X-Hub-Signature-256': `sha256=${expected}` });
  });

  it('hmac: a custom header and algorithm', () => {
    const expected = createHmac('sha512', 'k').update('body').digest('hex');
    expect(hmacHeaders('body', { style: 'hmac', header: 'X-Sig', algorithm: 'sha512', secret: 'k' })).toEqual({ 'X-Sig': expected });
  });
});
