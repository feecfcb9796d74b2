import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { matchingHmac } from '../../../../connectors/shared/body-hmac.ts';
import { hmac } from '../../../../connectors/shared/hmac.ts';
import { safeEqual, safeEqualAny } from '../../../../connectors/shared/safe-equal.ts';

describe('safeEqual', () => {
  it('compares strings and buffers of any length without throwing', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', 'a'.repeat(1000))).toBe(false);
    expect(safeEqual(Buffer.from('abc'), 'abc')).toBe(true);
  });

  it('matches any expected against any received', () => {
    expect(safeEqualAny(['a', 'b'], ['x', 'b'])).toBe(true);
    expect(safeEqualAny(['a', 'b'], ['x', 'y'])).toBe(false);
    expect(safeEqualAny([], ['x'])).toBe(false);
  });
});

describe('matchingHmac', () => {
  it('answers with the HMAC that matched, in lower case, or undefined', () => {
    const body = Buffer.from('{"a":1}');
    const underOld = createHmac('sha256', 'old').update(body).digest('hex');
    const match = { algorithm: 'sha256' as const, encoding: 'hex' as const, secrets: ['new', 'old'], content: body };
    expect(matchingHmac({ ...match, received: [underOld.toUpperCase()] })).toBe(underOld);
    expect(matchingHmac({ ...match, received: ['0'.repeat(64)] })).toBeUndefined();
    expect(matchingHmac({ ...match, secrets: [], received: [underOld] })).toBeUndefined();
  });
});

describe('hmac', () => {
  it('hashes parts as one message, raw bytes untouched', () => {
    // 0xff is not UTF-8: decoding and re-encoding it would change the MAC.
    const body = Buffer.from([0x7b, 0xff, 0x7d]);
    const whole = createHmac('sha256', 'k')
      .update(Buffer.concat([Buffer.from('1.'), body]))
      .digest('hex');
    expect(hmac('sha256', 'k', ['1.', body], 'hex')).toBe(whole);
    expect(hmac('sha256', 'k', Buffer.concat([Buffer.from('1.'), body]), 'hex')).toBe(whole);
  });

  it('supports base64 and other algorithms (RFC 4231 test case 2)', () => {
    const expected = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    expect(hmac('sha256', 'Jefe', 'what do ya want for nothing?', 'hex')).toBe(expected);
    expect(hmac('sha256', 'Jefe', 'what do ya want for nothing?', 'base64')).toBe(Buffer.from(expected, 'hex').toString('base64'));
    expect(hmac('sha1', 'k', 'x', 'hex')).toHaveLength(40);
  });
});
