import { describe, expect, it } from 'vitest';
import { getHeader, requireHeader } from '../../../../connectors/shared/headers.ts';
import { firstLine, pickNumber, pickString } from '../../../../connectors/shared/pick.ts';
import { VerificationError } from '../../../../src/errors.ts';

describe('requireHeader', () => {
  const headers = { 'webhook-id': 'msg_1', 'svix-timestamp': '123', blank: '  ' };

  it('finds a header by any case, or by an alias', () => {
    expect(requireHeader(headers, 'Webhook-Id')).toBe('msg_1');
    expect(requireHeader(headers, 'webhook-timestamp', ['svix-timestamp'])).toBe('123');
    expect(getHeader(headers, 'blank')).toBeUndefined();
  });

  it('throws VerificationError naming the missing header', () => {
    expect(() => requireHeader(headers, 'X-GitHub-Event')).toThrow(
      new VerificationError('missing X-GitHub-Event header', { kind: 'missing' }),
    );
    expect(() => requireHeader(headers, 'blank')).toThrow(VerificationError);
  });
});

describe('pick helpers', () => {
  it('read nested values safely', () => {
    const payload = { a: { b: 'x', n: 3, e: '' }, list: [1] };
    expect(pickString(payload, 'a', 'b')).toBe('x');
    expect(pickString(payload, 'a', 'e')).toBeUndefined();
    expect(pickString(payload, 'a', 'b', 'c')).toBeUndefined();
    expect(pickString(null, 'a')).toBeUndefined();
    expect(pickNumber(payload, 'a', 'n')).toBe(3);
    expect(pickNumber(payload, 'list', '0')).toBeUndefined();
    expect(firstLine('Fix it\n\nbecause')).toBe('Fix it');
    expect(firstLine('  \n')).toBeUndefined();
  });
});
