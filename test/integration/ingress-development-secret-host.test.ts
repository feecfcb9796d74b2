import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubConnector } from '../../connectors/github/index.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { createConnectorInstances } from '../../src/ingress/connector-instances.ts';
import { IngressServer } from '../../src/ingress/ingress-server.ts';
import { openTempEmbeddedBus, silentLogger } from '../helpers/hub-fixtures.ts';

const YAML = `
server: { publicUrl: https://hooks.example.org }
connectors:
  github: { type: github, secret: \${GITHUB_WEBHOOK_SECRET:-dev-github-secret} }
`;

let bus: EventBus;
const servers: IngressServer[] = [];

/** A hub on the example config, with GITHUB_WEBHOOK_SECRET set or not; answers its port. */
async function startHub(vars: Record<string, string>): Promise<number> {
  const config = parseConfig('/tmp/hookhub-dev-host.yaml', YAML, { vars });
  const server = new IngressServer({
    connectors: createConnectorInstances(config.connectors, config.developmentDefaults),
    bus,
    bodyLimit: 1024 * 1024,
    logger: silentLogger,
    ...(config.server.publicUrl === undefined ? {} : { publicUrl: config.server.publicUrl }),
  });
  servers.push(server);
  return server.listen(0);
}

/** A signed GitHub delivery sent with the given Host header, as a browser page after DNS rebinding would. */
function deliver(port: number, host: string, secret: string): Promise<{ status: number; body: string; id: string }> {
  const id = randomUUID();
  const body = Buffer.from(JSON.stringify({ action: 'opened', issue: { number: 1 }, nonce: id }));
  const headers = githubConnector.sign(
    body,
    { name: 'github', config: { type: 'github', secret: [secret] }, now: () => new Date() },
    { id, event: 'issues' },
  );
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/hooks/github', method: 'POST', headers: { ...headers, host } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, id }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  bus = await openTempEmbeddedBus();
});

afterAll(async () => {
  for (const server of servers) await server.close();
  await bus.close();
});

describe('a connector on the development secret', () => {
  it('refuses a webhook addressed to another host name (DNS rebinding), with what to set, and stores nothing', async () => {
    const port = await startHub({});
    const answer = await deliver(port, `rebind.attacker.example:${port}`, 'dev-github-secret');
    expect(answer.status).toBe(421);
    expect(answer.body).toContain('GITHUB_WEBHOOK_SECRET');
    expect(answer.body).toContain('server.publicUrl');
    expect(await bus.get('events', answer.id)).toBeUndefined();
  });

  it('takes webhooks addressed to this machine by name or address, or to server.publicUrl', async () => {
    const port = await startHub({});
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'app.localhost', 'hooks.example.org']) {
      const answer = await deliver(port, host, 'dev-github-secret');
      expect({ host, status: answer.status }).toEqual({ host, status: 202 });
    }
  });

  it('does not restrict a connector whose secret comes from the environment', async () => {
    const port = await startHub({ GITHUB_WEBHOOK_SECRET: 'a-real-secret-chosen-by-the-operator' });
    const answer = await deliver(port, `hooks.behind-a-proxy.example:${port}`, 'a-real-secret-chosen-by-the-operator');
    expect(answer.status).toBe(202);
  });
});
