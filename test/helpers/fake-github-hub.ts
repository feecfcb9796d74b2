import { createServer } from 'node:net';
import { parseConfig, type HubConfig } from '../../src/config/load-config.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { createConnectorInstances } from '../../src/ingress/connector-instances.ts';
import { IngressServer } from '../../src/ingress/ingress-server.ts';
import { createGithubClient, type GithubClient } from '../../src/github/github-client.ts';
import { silentLogger } from './hub-fixtures.ts';

/** A free TCP port (so a test can stop and restart the hub's ingress on the same public URL). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** hookhub.yaml text with one github connector named `github` pointed at the fake API. */
export function githubHubConfig(options: { apiUrl: string; hubPort: number; github: string; vars?: Record<string, string> }): HubConfig {
  const text = `server: { port: ${options.hubPort}, host: 127.0.0.1, publicUrl: "http://127.0.0.1:${options.hubPort}" }
connectors:
  github:
    type: github
    apiUrl: "${options.apiUrl}"
${options.github.replace(/^/gm, '    ')}
`;
  return parseConfig('/tmp/hookhub-github-test.yaml', text, { vars: options.vars ?? {} });
}

/** The hub's ingress for the configured connectors, on the configured port; stop it to play "the hub is down". */
export async function startIngress(config: HubConfig, bus: EventBus): Promise<IngressServer> {
  const ingress = new IngressServer({
    connectors: createConnectorInstances(config.connectors),
    bus,
    bodyLimit: config.server.bodyLimit,
    logger: silentLogger,
  });
  await ingress.listen(config.server.port, '127.0.0.1');
  return ingress;
}

/** A client for the fake with no pause between writes (GitHub's 1 s etiquette would only slow the tests). */
export function fakeClient(
  apiUrl: string,
  token = 'ghp_test',
  extra: Partial<Parameters<typeof createGithubClient>[0]> = {},
): GithubClient {
  return createGithubClient({ apiUrl, auth: { token }, logger: silentLogger, writeIntervalMs: 0, retries: 0, ...extra });
}
