import { writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { PeerCertificate } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { connectionOptions, describeServers } from '../../../../src/bus/nats/nats-connect-options.ts';
import { checkDialledServerIdentity } from '../../../../src/bus/nats/nats-tls-identity.ts';
import { tempDir } from '../../../helpers/hub-fixtures.ts';
import { natsUserCreds } from '../../../helpers/nats-creds.ts';

describe('NATS connection options', () => {
  it('splits a comma-separated server list', async () => {
    const options = await connectionOptions({ url: 'nats://a:4222, nats://b:4222 ,c:4222' });
    expect(options.servers).toEqual(['nats://a:4222', 'nats://b:4222', 'c:4222']);
    expect(options.tls).toBeUndefined();
    expect(options.authenticator).toBeUndefined();
  });

  it('makes TLS mandatory for a tls:// server, and maps files and PEM text', async () => {
    // A server given by its IP address is checked against the certificate's IP entries (test/integration/nats-tls-ip.test.ts).
    const checkServerIdentity = checkDialledServerIdentity;
    expect((await connectionOptions({ url: 'nats://a:4222,tls://b:4222' })).tls).toEqual({ checkServerIdentity });
    const pem = (label: string) => `-----BEGIN ${label}-----\nMIIB\n-----END ${label}-----\n`;
    const dir = tempDir('hookhub-tls-files-');
    writeFileSync(join(dir, 'c.pem'), pem('CERTIFICATE'));
    writeFileSync(join(dir, 'c.key'), pem('PRIVATE KEY'));
    const tls = { ca: pem('CERTIFICATE'), cert: join(dir, 'c.pem'), key: join(dir, 'c.key') };
    const options = await connectionOptions({ url: 'nats://a:4222', tls });
    expect(options.tls).toEqual({ ca: pem('CERTIFICATE'), cert: pem('CERTIFICATE'), key: pem('PRIVATE KEY'), checkServerIdentity });
  });

  it('names the setting of a TLS file it cannot read', async () => {
    await expect(connectionOptions({ url: 'tls://a:4222', tls: { ca: '/nonexistent/ca.pem' } })).rejects.toThrow(
      'cannot read bus.tls.ca /nonexistent/ca.pem: ENOENT',
    );
  });

  it("reads a creds file once and gives its JWT and seed to be masked, and the file's notice not", async () => {
    const creds = natsUserCreds('hookhub');
    const file = join(tempDir('hookhub-creds-'), 'hub.creds');
    writeFileSync(file, creds.text);
    const read: (readonly string[])[] = [];
    const options = await connectionOptions({ url: 'nats://a:4222', auth: { credsFile: file } }, (secrets) => read.push(secrets));
    expect(options.authenticator).toBeDefined();
    expect(read).toEqual([[creds.jwt, creds.seed]]);
  });

  it('describes servers without their credentials', () => {
    expect(describeServers('nats://hub:s3cret@a:4222,tls://tok@b:4222,c:4222')).toBe('nats://a:4222,tls://b:4222,c:4222');
    expect(describeServers('user:pw@d:4222')).toBe('d:4222');
  });
});

describe("the NATS server certificate's check at an IP address", () => {
  const certFor127 = { subject: { CN: 'nats' }, subjectaltname: 'IP Address:127.0.0.1' } as unknown as PeerCertificate;
  const dialled = (remoteAddress: string) => ({ socket: { remoteAddress } as Socket });

  it('checks the address dialled, also when the socket writes it IPv4-mapped', () => {
    expect(checkDialledServerIdentity.call(dialled('127.0.0.1'), 'localhost', certFor127)).toBeUndefined();
    expect(checkDialledServerIdentity.call(dialled('::ffff:127.0.0.1'), 'localhost', certFor127)).toBeUndefined();
    expect(checkDialledServerIdentity.call(dialled('127.0.0.2'), 'localhost', certFor127)).toBeInstanceOf(Error);
  });
});
