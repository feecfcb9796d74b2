/**
 * What an operator reads when the hub cannot open its NATS bus (the log and /readyz show this message):
 * the setting to change and what to check, never a secret. Real nats-servers: one with TLS and two
 * accounts (one without JetStream), and a free port with nothing on it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNatsBus, type NatsBusOptions } from '../../src/bus/nats/nats-bus.ts';
import { tempDir } from '../helpers/hub-fixtures.ts';
import { freePort, useNatsServer } from '../helpers/nats-server.ts';
import { createTestCerts } from '../helpers/test-certs.ts';

const PASSWORD = 'pw-right-4c3b2a1f';
const certs = createTestCerts();
const otherCa = createTestCerts().ca;
const server = useNatsServer({
  config: `
tls { cert_file: "${certs.serverCert}", key_file: "${certs.serverKey}" }
accounts {
  HUB: { jetstream: enabled, users: [ { user: hookhub, password: "${PASSWORD}" } ] }
  PLAIN: { users: [ { user: plain, password: "${PASSWORD}" } ] }
}
`,
});
const url = () => `tls://127.0.0.1:${server().port}`;

async function openFails(options: NatsBusOptions): Promise<string> {
  const error = await createNatsBus({ timeoutMs: 5_000, ...options }).then(
    async (bus) => {
      await bus.close();
      return undefined;
    },
    (err: unknown) => err as Error,
  );
  expect(error).toBeInstanceOf(Error);
  return error!.message;
}

describe('opening a NATS bus that refuses the hub', () => {
  it('names the credentials NATS refused and what to do, never the password', async () => {
    const message = await openFails({ url: url(), tls: { ca: certs.ca }, auth: { user: 'hookhub', password: 'pw-typo-0000' } });
    expect(message).toBe(
      `NATS at ${url()} refused the hub's credentials, bus.auth.user and bus.auth.password: check them against the ` +
        "server's users (its authorization block, or the account's), then fix bus.auth (Authorization Violation)",
    );
    expect(message).not.toContain('pw-typo-0000');
    expect(await openFails({ url: url(), tls: { ca: certs.ca } })).toMatch(/requires credentials: set bus\.auth \(/);
  });

  it('says which CA setting does not match the servers certificate', async () => {
    const auth = { user: 'hookhub', password: PASSWORD };
    expect(await openFails({ url: url(), auth, tls: { ca: otherCa } })).toMatch(
      new RegExp(`^bus\\.tls\\.ca ${otherCa} did not sign the TLS certificate of NATS at ${url()}: point bus\\.tls\\.ca at`),
    );
    expect(await openFails({ url: url(), auth })).toMatch(/is not signed by a CA this machine trusts: set bus\.tls\.ca to/);
    expect(await openFails({ url: url(), auth, tls: { ca: '/nonexistent/nats-ca.pem' } })).toBe(
      'cannot read bus.tls.ca /nonexistent/nats-ca.pem: ENOENT',
    );
  });

  it('refuses a creds file that is not one before connecting, naming the file', async () => {
    const file = join(tempDir('hookhub-creds-'), 'hub.creds');
    writeFileSync(file, 'SUAsecret-looking-line-that-is-no-creds-file\n');
    const message = await openFails({ url: url(), tls: { ca: certs.ca }, auth: { credsFile: file } });
    expect(message).toMatch(new RegExp(`^bus\\.auth\\.credsFile ${file} is not a NATS credentials file \\(`));
    expect(message).not.toContain('SUAsecret');
  });

  it('says JetStream is off for the account, and names the servers nothing answers on', async () => {
    const plain = { url: url(), tls: { ca: certs.ca }, auth: { user: 'plain', password: PASSWORD } };
    expect(await openFails(plain)).toMatch(/has JetStream off for the hub's account \(.*\): start nats-server with JetStream/);
    const nobody = `nats://127.0.0.1:${await freePort()}`;
    const refused = await openFails({ url: `${nobody},nats://hub:s3cret@127.0.0.1:${await freePort()}` });
    expect(refused).toMatch(
      new RegExp(`^cannot reach NATS at ${nobody},nats://127\\.0\\.0\\.1:\\d+ \\(connection refused\\): check bus\\.url`),
    );
    expect(refused).not.toContain('s3cret');
    // The CLI prints this and exits; the hub's own log line says it retries: the message promises neither.
    expect(refused).toMatch(/and that the servers run$/);
  });
});
