import { describe, expect, it } from 'vitest';
import { readEnv } from '../../../src/config/env.ts';
import { parseConfig } from '../../../src/config/load-config.ts';
import { ConfigError } from '../../../src/errors.ts';

const FILE = '/etc/hub/hookhub.yaml';

function problemsOf(text: string, vars: Record<string, string> = {}): string {
  try {
    parseConfig(FILE, text, readEnv(vars));
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const PRODUCTION = `
bus:
  type: nats
  url: \${NATS_SERVERS}
  replicas: \${NATS_REPLICAS}
  auth: { user: hookhub, password: \${NATS_PASSWORD} }
  tls: { ca: certs/ca.pem, cert: \${NATS_CERT}, key: /abs/client.key }
`;

const VARS = {
  NATS_SERVERS: 'tls://a:4222, tls://b:4222,c:4222',
  NATS_REPLICAS: '3',
  NATS_PASSWORD: 'pw-hunter2',
  NATS_CERT: 'certs/client.pem',
};

describe('bus settings for NATS', () => {
  it('takes a server list, auth, TLS and replicas, all through ${VAR}, with files relative to hookhub.yaml', () => {
    const config = parseConfig(FILE, PRODUCTION, readEnv(VARS));
    expect(config.bus).toEqual({
      type: 'nats',
      url: 'tls://a:4222, tls://b:4222,c:4222',
      replicas: 3,
      retention: 7 * 24 * 3600 * 1000,
      auth: { user: 'hookhub', password: 'pw-hunter2' },
      tls: { ca: '/etc/hub/certs/ca.pem', cert: '/etc/hub/certs/client.pem', key: '/abs/client.key' },
    });
  });

  it('defaults to one replica and keeps inline PEM text as it is', () => {
    const pem = '-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----';
    const config = parseConfig(FILE, `bus: { type: nats, tls: { ca: "${pem}" }, auth: { credsFile: ngs.creds } }`, readEnv());
    expect(config.bus).toMatchObject({ replicas: 1, url: 'nats://127.0.0.1:4222', auth: { credsFile: '/etc/hub/ngs.creds' } });
    expect(config.bus.type === 'nats' && config.bus.tls?.ca).toContain('-----BEGIN CERTIFICATE-----');
  });

  it('HOOKHUB_NATS_URL replaces the servers and keeps the auth, TLS and replicas of the file', () => {
    const config = parseConfig(FILE, PRODUCTION, readEnv({ ...VARS, HOOKHUB_NATS_URL: 'nats://x:4222,nats://y:4222' }));
    expect(config.bus).toMatchObject({ url: 'nats://x:4222,nats://y:4222', replicas: 3, auth: { user: 'hookhub' } });
  });

  it('HOOKHUB_NATS_URL switches an embedded config to NATS with the defaults', () => {
    const config = parseConfig(FILE, 'bus: { type: embedded, retention: 2d }', readEnv({ HOOKHUB_NATS_URL: 'a:4222,b:4222' }));
    expect(config.bus).toEqual({ type: 'nats', url: 'a:4222,b:4222', replicas: 1, retention: 2 * 24 * 3600 * 1000 });
  });

  it('rejects a bad HOOKHUB_NATS_URL without echoing it', () => {
    const message = problemsOf('bus: { type: embedded }', { HOOKHUB_NATS_URL: 'nats://u:topsecret@a:4222,,b' });
    expect(message).toContain('HOOKHUB_NATS_URL: server 2 of 3 is empty');
    expect(message).not.toContain('topsecret');
  });

  it('reports each bad field at its file:line, never with the secret values', () => {
    const text = [
      'bus:',
      '  type: nats',
      '  url: "nats://a:4222,http://u:leaked@b:80"',
      '  replicas: 7',
      '  auth:',
      '    token: tok-very-secret',
      '    password: pw-very-secret',
      '  tls: { cert: client.pem }',
      '',
    ].join('\n');
    const message = problemsOf(text);
    expect(message).toContain(`${FILE}:3:8: server 2 of 2 has an unsupported scheme (use nats:// or tls://) (at bus.url)`);
    expect(message).toMatch(new RegExp(`${FILE}:4:13: .*(at bus.replicas)`));
    expect(message).toContain(`${FILE}:6:5: use exactly one of { user, password }, { token }, { nkeySeed } or { credsFile } (at bus.auth)`);
    expect(message).toContain(`${FILE}:8:8: tls.cert and tls.key go together (at bus.tls)`);
    for (const secret of ['leaked', 'tok-very-secret', 'pw-very-secret']) expect(message).not.toContain(secret);
  });

  it('says what an NKey seed looks like, and that user needs password', () => {
    expect(problemsOf('bus: { type: nats, auth: { nkeySeed: UABC } }')).toContain('nkeySeed must be a user NKey seed (it starts with SU)');
    expect(problemsOf('bus: { type: nats, auth: { user: me } }')).toContain('user and password go together');
  });
});
