import { describe, expect, it } from 'vitest';
import { connectionOptions, describeServers } from '../../../../src/bus/nats/nats-connect-options.ts';

describe('NATS connection options', () => {
  it('splits a comma-separated server list', async () => {
    const options = await connectionOptions({ url: 'nats://a:4222, nats://b:4222 ,c:4222' });
    expect(options.servers).toEqual(['nats://a:4222', 'nats://b:4222', 'c:4222']);
    expect(options.tls).toBeUndefined();
    expect(options.authenticator).toBeUndefined();
  });

  it('makes TLS mandatory for a tls:// server, and maps files and PEM text', async () => {
    expect((await connectionOptions({ url: 'nats://a:4222,tls://b:4222' })).tls).toEqual({});
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    const options = await connectionOptions({ url: 'nats://a:4222', tls: { ca: pem, cert: '/c.pem', key: '/c.key' } });
    expect(options.tls).toEqual({ ca: pem, certFile: '/c.pem', keyFile: '/c.key' });
  });

  it('describes servers without their credentials', () => {
    expect(describeServers('nats://hub:s3cret@a:4222,tls://tok@b:4222,c:4222')).toBe('nats://a:4222,tls://b:4222,c:4222');
    expect(describeServers('user:pw@d:4222')).toBe('d:4222');
  });
});
