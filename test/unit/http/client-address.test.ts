import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createClientAddress, isAddressOrRange } from '../../../src/http/client-address.ts';

const request = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as IncomingMessage;

describe('the client address behind reverse proxies', () => {
  it('is the peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(createClientAddress([])(request('10.0.0.5', '203.0.113.7'))).toBe('10.0.0.5');
  });

  it('is the peer when the peer is not a trusted proxy', () => {
    expect(createClientAddress(['10.0.0.0/8'])(request('192.0.2.1', '203.0.113.7'))).toBe('192.0.2.1');
  });

  it('is the first address from the right that is not a trusted proxy; the client’s own claims to its left are ignored', () => {
    const clientOf = createClientAddress(['10.0.0.0/8', '127.0.0.1']);
    expect(clientOf(request('127.0.0.1', '203.0.113.7'))).toBe('203.0.113.7');
    expect(clientOf(request('::ffff:127.0.0.1', '6.6.6.6, 203.0.113.7, 10.1.2.3'))).toBe('203.0.113.7');
    expect(clientOf(request('10.0.0.5'))).toBe('10.0.0.5');
  });

  it('stops at a hop that is not an address, and keys every such request alike', () => {
    expect(createClientAddress(['127.0.0.1'])(request('127.0.0.1', '203.0.113.7, unknown'))).toBe('unknown (unknown)');
  });

  it('takes IP addresses and CIDR ranges in config, nothing else', () => {
    expect(['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8'].every(isAddressOrRange)).toBe(true);
    expect(['proxy.internal', '10.0.0.0/33', ''].some(isAddressOrRange)).toBe(false);
  });
});
