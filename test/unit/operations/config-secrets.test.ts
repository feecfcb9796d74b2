import { describe, expect, it } from 'vitest';
import { configSecrets, type SecretConfig } from '../../../src/operations/config-secrets.ts';

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvAIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';

function config(over: Partial<SecretConfig>): SecretConfig {
  return {
    connectors: {},
    channels: {},
    bus: { type: 'embedded', path: './hub.db', retention: 1 },
    api: { tokens: [], sessionTtl: 1 },
    ...over,
  };
}

describe('the secrets hookhub.yaml holds', () => {
  it("of connectors: each one's secretFields, lists and dotted paths included, nothing else", () => {
    const connectors = {
      github: {
        type: 'github',
        secret: ['gh-webhook-secret-1', 'gh-webhook-secret-0'],
        token: 'ghp_personalAccess0123',
        apiUrl: 'https://api.github.com',
      },
      app: { type: 'github', secret: 'gh-app-webhook-secret', app: { appId: '12', privateKey: PEM } },
      stripe: { type: 'stripe', secret: 'whsec_stripeSigning0123' },
      slack: { type: 'slack', secret: 'slack-signing-secret-0123' },
      gitlab: { type: 'gitlab', signingToken: 'whsec_gitlabSigning0123' },
      api: { type: 'generic', provider: 'acme', verify: { apiKey: { header: 'x-acme-key', secret: 'acme-api-key-0123' } } },
      short: { type: 'stripe', secret: 'whsec_1' },
    };
    expect(configSecrets(config({ connectors })).sort()).toEqual(
      [
        'gh-webhook-secret-1',
        'gh-webhook-secret-0',
        'ghp_personalAccess0123',
        'gh-app-webhook-secret',
        PEM,
        'whsec_stripeSigning0123',
        'slack-signing-secret-0123',
        'whsec_gitlabSigning0123',
        'acme-api-key-0123',
      ].sort(),
    );
  });

  it('of chat subscriptions: the bot tokens', () => {
    const subscriptions = {
      slack: { botToken: 'xoxb-slack-bot-0123', apiUrl: 'https://slack.com/api' },
      discord: { botToken: 'discord-bot-token-0123', apiUrl: 'https://discord.com/api/v10' },
      mattermost: { url: 'https://chat.example.com', botToken: 'mattermost-bot-0123' },
      channels: { C1: 'eng' },
    };
    expect(configSecrets(config({ subscriptions } as never)).sort()).toEqual(
      ['discord-bot-token-0123', 'mattermost-bot-0123', 'xoxb-slack-bot-0123'].sort(),
    );
  });

  it("of a NATS bus: its password, token or seed, what bus.url holds before an @, an inline TLS key; and the API's tokens", () => {
    const bus = (over: object) => ({ type: 'nats', url: 'nats://n1:4222', retention: 1, replicas: 1, ...over });
    const secrets = (over: object) => configSecrets(config({ bus: bus(over) } as never)).sort();
    expect(secrets({ auth: { user: 'hookhub', password: 'nats-password-0123' } })).toEqual(['nats-password-0123']);
    expect(secrets({ auth: { token: 'nats-token-0123' } })).toEqual(['nats-token-0123']);
    expect(secrets({ auth: { nkeySeed: 'SUAM2QXYZNKEYSEED' } })).toEqual(['SUAM2QXYZNKEYSEED']);
    expect(secrets({ tls: { ca: '/etc/ca.pem', cert: '/etc/c.pem', key: PEM } })).toEqual([PEM]);
    expect(secrets({ tls: { cert: '/etc/hookhub/client.pem', key: '/etc/hookhub/client-key.pem' } })).toEqual([]);
    expect(secrets({ url: 'nats://hub-user:pass%40word-0123@n1:4222, nats://url-token-0123456@n2:4222,n3:4222' })).toEqual(
      ['hub-user', 'pass%40word-0123', 'pass@word-0123', 'url-token-0123456'].sort(),
    );
    const api = { tokens: [{ name: 'ops', token: 'a'.repeat(32), role: 'admin' as const }], sessionTtl: 1 };
    expect(configSecrets(config({ api }))).toEqual(['a'.repeat(32)]);
  });
});
