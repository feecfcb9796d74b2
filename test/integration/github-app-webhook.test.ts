import { generateKeyPairSync } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { startGithubSync } from '../../src/github/github-sync.ts';
import type { IngressServer } from '../../src/ingress/ingress-server.ts';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github.ts';
import { freePort, githubHubConfig, startIngress } from '../helpers/fake-github-hub.ts';
import { openTempEmbeddedBus, silentLogger } from '../helpers/hub-fixtures.ts';
import { stringMatching } from '../helpers/matchers.ts';

const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
let fake: FakeGithub;
let bus: EventBus;
let ingress: IngressServer | undefined;

beforeAll(async () => {
  fake = await startFakeGithub({ app: { appId: '31337', installationId: 42, publicKey: keys.publicKey } });
  bus = await openTempEmbeddedBus();
});
afterAll(async () => {
  await ingress?.close();
  await bus.close();
  await fake.close();
});

describe("the GitHub App's own webhook (appWebhook: true)", () => {
  it('is pointed at the hub with the connector secret, and its missed deliveries are recovered, with the App JWT only', async () => {
    const owner = fake.setAppHook('https://old-receiver.example.com/api/github/webhooks', 'old');
    const config = githubHubConfig({
      apiUrl: fake.url,
      hubPort: await freePort(),
      github: 'secret: s3cret\nappWebhook: true\napp: { appId: 31337, privateKey: "${APP_KEY}" }\nreconcile: { every: 1h }',
      vars: { APP_KEY: keys.privateKey.replace(/\n/g, '\\n') },
    });
    ingress = await startIngress(config, bus);
    const registry = new Registry();
    const sync = startGithubSync({ config, bus, logger: silentLogger, registry, client: { writeIntervalMs: 0 } });
    try {
      await sync.ready;
      const hook = owner.hooks[0];
      if (!hook) throw new Error('no app hook');
      expect(hook.config).toMatchObject({
        url: stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:${config.server.port}/hooks/github\\?hookhub_fp=`)),
        secret: 's3cret',
        content_type: 'json',
      });
      expect(await registry.metrics()).toMatch(/hookhub_github_hook_changes_total\{connector="github",action="updated"\} 1/);

      await ingress.close();
      const missed = await fake.store.deliver(owner, hook, {
        event: 'installation',
        payload: { action: 'created', installation: { id: 42 } },
      });
      expect(missed.status_code).toBe(0);
      ingress = await startIngress(config, bus);
      await sync.runOnce();
      await fake.idle();
      expect(await bus.get('events', missed.guid)).toMatchObject({ subject: 'github.installation.created' });
      expect(fake.issuedTokens).toEqual([]);
      expect(fake.requests.filter((r) => r.status === 401)).toEqual([]);
    } finally {
      await sync.stop();
    }
  });
});
