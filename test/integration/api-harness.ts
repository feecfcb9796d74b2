/**
 * A hub assembled from its parts for the operator API tests: embedded bus on a temp file, the rules
 * router, the delivery worker, and the ingress with the API as its fallback.
 * A local sink plays the destination; `sinkReplies` decides its answers.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { actions } from '../../src/actions/index.ts';
import { createDeliveryWorker } from '../../src/actions/runtime/delivery-worker.ts';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { parseConfig, type HubConfig } from '../../src/config/load-config.ts';
import { createConnectorInstances } from '../../src/ingress/connector-instances.ts';
import { IngressServer } from '../../src/ingress/ingress-server.ts';
import { createOperatorApi, type OperatorApi } from '../../src/api/operator-api.ts';
import { rulesContext } from '../../src/rules-runtime.ts';
import { loadRuleSet } from '../../src/rules/load-rule-set.ts';
import { createRuleRouter } from '../../src/rules/rule-router.ts';
import type { RuleSet } from '../../src/rules/rule.ts';
import { githubConnector } from '../../connectors/github/index.ts';
import { silentLogger, tempDir } from '../helpers/hub-fixtures.ts';
import { startSink, type Sink } from './delivery-harness.ts';

export const ADMIN_TOKEN = 'adm1n-t0ken-for-tests-0123456789abcdef';
export const VIEWER_TOKEN = 'v1ewer-t0ken-for-tests-0123456789abcdef';
export const GITHUB_SECRET = 'github-secret-for-api-tests';

export const RULES = `rules:
  - name: forward-github
    on: ["github.**"]
    do:
      - notify: { channel: sink, text: "{{type}} {{subject}}" }
`;

export interface ApiHub {
  base: string;
  bus: EventBus;
  config: HubConfig;
  api: OperatorApi;
  ruleSet: RuleSet;
  sink: Sink;
  /** Signs a GitHub webhook like GitHub does and posts it to /hooks/github. */
  sendGithub(event: string, payload: unknown, deliveryId: string): Promise<Response>;
  stop(): Promise<void>;
}

export interface ApiHubOptions {
  bus?: EventBus;
  streamIntervalMs?: number;
  /** How often the hub reads logouts made by other hubs on its bus. */
  sessionRefreshMs?: number;
  publicUrl?: string;
  /** More `server:` settings, as YAML flow entries (`trustedProxies: [127.0.0.1]`). */
  server?: string;
  rulesTimeLimitMs?: number;
  /** The rule file instead of RULES, given the sink's base URL. */
  rules?: (sinkUrl: string) => string;
  /** The environment the rule files' `${VAR}`s read. */
  vars?: Record<string, string>;
  /** The operator API's clock (sessions, the login throttle); the rest of the hub keeps the real one. */
  apiNow?: () => Date;
}

export async function startApiHub(options: ApiHubOptions = {}): Promise<ApiHub> {
  const dir = tempDir('hookhub-api-');
  await mkdir(join(dir, 'rules'));
  const sink = await startSink();
  await writeFile(join(dir, 'rules', 'github.yaml'), options.rules?.(sink.url) ?? RULES);
  const yaml = `server: { port: 0, host: 127.0.0.1${options.publicUrl ? `, publicUrl: "${options.publicUrl}"` : ''}${options.server ? `, ${options.server}` : ''} }
bus: { type: embedded, path: ./hookhub.db }
connectors:
  github: { type: github, secret: ${GITHUB_SECRET} }
channels:
  sink: { type: webhook, url: "${sink.url}/deliver" }
delivery: { allowPrivateNetworks: true }
rules: ./rules
api:
  tokens:
    - { name: alice, token: ${ADMIN_TOKEN}, role: admin }
    - { name: victor, token: ${VIEWER_TOKEN}, role: viewer }
`;
  const config = parseConfig(join(dir, 'hookhub.yaml'), yaml, { vars: {} });
  const bus = options.bus ?? (await createEmbeddedBus({ path: join(dir, 'hookhub.db') }));
  const now = () => new Date();
  const worker = createDeliveryWorker({
    bus,
    registry: actions,
    channels: config.channels,
    logger: silentLogger,
    now,
    options: { network: { allowPrivateNetworks: true } },
  });
  worker.start();
  const loaded = await loadRuleSet(config.rulesDir, rulesContext(config, actions, options.vars));
  if (!loaded.ok) throw new Error(`test rules are invalid: ${JSON.stringify(loaded.diagnostics)}`);
  const router = createRuleRouter({ bus, getRuleSet: () => loaded.ruleSet, registry: actions, logger: silentLogger, now });
  router.start();
  const api = createOperatorApi({
    bus,
    config,
    getRuleSet: () => loaded.ruleSet,
    registry: actions,
    logger: silentLogger,
    now: options.apiNow ?? now,
    streamIntervalMs: options.streamIntervalMs ?? 100,
    ...(options.sessionRefreshMs !== undefined ? { sessionRefreshMs: options.sessionRefreshMs } : {}),
    ...(options.rulesTimeLimitMs !== undefined ? { rulesTimeLimitMs: options.rulesTimeLimitMs } : {}),
  });
  const ingress = new IngressServer({
    connectors: createConnectorInstances(config.connectors),
    bus,
    bodyLimit: config.server.bodyLimit,
    logger: silentLogger,
    mounts: [{ prefix: '/', handle: api.handle }],
    onHook: api.observeHook,
  });
  const port = await ingress.listen(0);
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    bus,
    config,
    api,
    ruleSet: loaded.ruleSet,
    sink,
    async sendGithub(event, payload, deliveryId) {
      const body = Buffer.from(JSON.stringify(payload));
      const ctx = { name: 'github', config: config.connectors.github as never, now };
      const headers = githubConnector.sign(body, ctx, { id: deliveryId, event });
      return fetch(`${base}/hooks/github`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
    },
    async stop() {
      api.close();
      await ingress.close();
      await router.stop();
      await worker.stop(1_000);
      await sink.close();
      if (!options.bus) await bus.close();
    },
  };
}

/** A pull_request.opened payload, small but with what the github connector reads. */
export function prPayload(number: number, repo = 'acme/api'): Record<string, unknown> {
  return {
    action: 'opened',
    number,
    repository: { full_name: repo, html_url: `https://github.com/${repo}` },
    sender: { login: 'octocat' },
    pull_request: {
      number,
      title: `Change ${number}`,
      html_url: `https://github.com/${repo}/pull/${number}`,
      draft: false,
      labels: [],
      body: 'body',
      user: { login: 'octocat' },
    },
  };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
