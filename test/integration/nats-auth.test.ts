/**
 * Production NATS settings against real nats-servers: a token server, and a TLS server (throwaway CA
 * made by openssl, client certificates required) with a user/password and an NKey user.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nkeys } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { startHubProcess } from '../../bench/lib/hub-process.ts';
import { freePort } from '../../bench/lib/run-child.ts';
import { createNatsBus, type NatsBusOptions } from '../../src/bus/nats/nats-bus.ts';
import { eventually, tempDir } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { createTestCerts } from '../helpers/test-certs.ts';

const TOKEN = 'tok-9f8e7d6c5b4a';
const PASSWORD = 'pw-5a4b3c2d1e';
const user = nkeys.createUser();
const SEED = new TextDecoder().decode(user.getSeed());
const certs = createTestCerts();

const tokenServer = useNatsServer({ args: ['--auth', TOKEN] });
const tlsServer = useNatsServer({
  config: `
tls { cert_file: "${certs.serverCert}", key_file: "${certs.serverKey}", ca_file: "${certs.ca}", verify: true }
authorization { users: [ { user: hookhub, password: "${PASSWORD}" }, { nkey: ${user.getPublicKey()} } ] }
`,
});
const clientTls = { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey };
const tlsUrl = () => `tls://127.0.0.1:${tlsServer().port}`;

/** Opens a bus, stores one event and reads it back. */
async function roundTrip(options: NatsBusOptions): Promise<unknown> {
  const bus = await createNatsBus({ ...options, timeoutMs: 5_000 });
  try {
    await bus.publish('events', { id: 'auth-1', subject: 'github.push', payload: { ok: true } });
    return (await bus.get('events', 'auth-1'))?.payload;
  } finally {
    await bus.close();
  }
}

async function failure(options: NatsBusOptions): Promise<string> {
  const error = await roundTrip(options).then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  expect(error).toBeInstanceOf(Error);
  return error!.message;
}

describe('NATS authentication and TLS', () => {
  it('connects with a token, and refuses a wrong one without naming it', async () => {
    expect(await roundTrip({ url: tokenServer().url, auth: { token: TOKEN } })).toEqual({ ok: true });
    const message = await failure({ url: tokenServer().url, auth: { token: 'tok-wrong-one' } });
    expect(message).toMatch(/authorization/i);
    expect(message).not.toContain('tok-wrong-one');
  });

  it('connects with user/password over tls:// with a client certificate from a throwaway CA', async () => {
    expect(await roundTrip({ url: tlsUrl(), auth: { user: 'hookhub', password: PASSWORD }, tls: clientTls })).toEqual({ ok: true });
    const message = await failure({ url: tlsUrl(), auth: { user: 'hookhub', password: 'pw-wrong' }, tls: clientTls });
    expect(message).toMatch(/authorization/i);
    expect(message).not.toContain('pw-wrong');
  });

  it('connects with an NKey seed (PEM text works as well as file paths)', async () => {
    const { readFileSync } = await import('node:fs');
    const inline = {
      ca: readFileSync(certs.ca, 'utf8'),
      cert: readFileSync(certs.clientCert, 'utf8'),
      key: readFileSync(certs.clientKey, 'utf8'),
    };
    expect(await roundTrip({ url: tlsUrl(), auth: { nkeySeed: SEED }, tls: inline })).toEqual({ ok: true });
  });

  it('a tls:// server that does not speak TLS is refused, and so is a TLS server without the CA', async () => {
    expect(await failure({ url: `tls://127.0.0.1:${tokenServer().port}`, auth: { token: TOKEN } })).toMatch(/tls/i);
    expect(await failure({ url: tlsUrl(), auth: { nkeySeed: SEED } })).toMatch(/certificate|tls|ssl/i);
  });

  it('names a creds file it cannot read', async () => {
    expect(await failure({ url: tokenServer().url, auth: { credsFile: '/nonexistent/hub.creds' } })).toBe(
      'cannot read bus.auth.credsFile /nonexistent/hub.creds: ENOENT',
    );
  });
});

describe('a hub with NATS credentials in ${VAR}', () => {
  async function runHub(password: string, until: (output: string) => boolean): Promise<string> {
    const dir = tempDir('hookhub-nats-auth-');
    mkdirSync(join(dir, 'rules'));
    const port = await freePort();
    const file = join(dir, 'hookhub.yaml');
    const bus = `{ type: nats, url: "${tlsUrl()}", auth: { user: hookhub, password: \${NATS_PASSWORD} }, tls: { ca: ${certs.ca}, cert: ${certs.clientCert}, key: \${NATS_KEY} } }`;
    writeFileSync(file, `server: { port: ${port}, host: 127.0.0.1 }\nbus: ${bus}\nrules: ./rules\n`);
    const hub = await startHubProcess(file, port, { env: { NATS_PASSWORD: password, NATS_KEY: certs.clientKey, LOG_LEVEL: 'debug' } });
    try {
      await eventually(() => until(hub.output()), 20_000, 'the expected log line');
      const ready = await fetch(`${hub.url}/readyz`);
      return `${hub.output()}\n${await ready.text()}`;
    } finally {
      await hub.kill('SIGTERM');
    }
  }

  it('never logs the password, whether it is right or wrong', async () => {
    const ok = await runHub(PASSWORD, (out) => out.includes('hookhub listening'));
    expect(ok).toContain(`nats (${tlsUrl()})`);
    expect(ok).not.toContain(PASSWORD);
    const refused = await runHub('pw-typo-0000', (out) => out.includes('cannot open the event store'));
    expect(refused).toMatch(/authorization/i);
    expect(refused).not.toContain('pw-typo-0000');
  }, 60_000);
});
