/**
 * `bus.url: tls://127.0.0.1:…` checks the server's certificate against that IP address, as for a host
 * name: a certificate whose only name is the IP SAN 127.0.0.1 is accepted, and one for another address,
 * or for the name localhost alone, is refused. Real nats-servers with throwaway CAs made by openssl.
 */
import { describe, expect, it } from 'vitest';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { createTestCerts, type TestCerts } from '../helpers/test-certs.ts';

function tlsServer(certs: TestCerts) {
  return useNatsServer({ config: `tls { cert_file: "${certs.serverCert}", key_file: "${certs.serverKey}" }\n` });
}

const forIp = createTestCerts('IP:127.0.0.1');
const forOtherIp = createTestCerts('IP:127.0.0.2');
const forLocalhost = createTestCerts('DNS:localhost');
const ipServer = tlsServer(forIp);
const otherIpServer = tlsServer(forOtherIp);
const localhostServer = tlsServer(forLocalhost);

/** Opens the bus, stores one event, closes it: 'stored', or why it could not. */
async function store(url: string, certs: TestCerts): Promise<string> {
  try {
    const bus = await createNatsBus({ url, tls: { ca: certs.ca }, timeoutMs: 5_000 });
    try {
      await bus.publish('events', { id: 'tls-ip-1', subject: 'github.push', payload: {} });
      return 'stored';
    } finally {
      await bus.close();
    }
  } catch (error) {
    return (error as Error).message;
  }
}

describe('a NATS server given by its IP address over TLS', () => {
  it('is accepted with a certificate that names that IP address only', async () => {
    expect(await store(`tls://127.0.0.1:${ipServer().port}`, forIp)).toBe('stored');
  });

  it('is refused with a certificate for another IP address, or for the name localhost only', async () => {
    expect(await store(`tls://127.0.0.1:${otherIpServer().port}`, forOtherIp)).toMatch(
      /does not name the host the hub connected to \(.*IP: 127\.0\.0\.1 is not in the cert's list/,
    );
    expect(await store(`tls://127.0.0.1:${localhostServer().port}`, forLocalhost)).toMatch(
      /does not name the host the hub connected to \(.*IP: 127\.0\.0\.1 is not in the cert's list/,
    );
  });

  it('a host name still checks that name', async () => {
    expect(await store(`tls://localhost:${localhostServer().port}`, forLocalhost)).toBe('stored');
    expect(await store(`tls://localhost:${ipServer().port}`, forIp)).toMatch(/does not name the host/);
  });
});
