/**
 * The embedded store's WAL sync does not return (a dead network mount, a stuck disk): a webhook is answered 503
 * with Retry-After within the sync bound instead of waiting for ever, /readyz and /metrics show the stuck sync while
 * it lasts, and once the sync returns the provider's retry is recognised as a duplicate of the event it committed.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { githubConnector } from '../../connectors/github/index.ts';
import { EmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import { resolveSettings } from '../../src/bus/embedded/embedded-options.ts';
import { loadDatabase } from '../../src/bus/embedded/open-database.ts';
import type { ConnectorInstance } from '../../src/ingress/hooks-route.ts';
import { IngressServer } from '../../src/ingress/ingress-server.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { eventually, silentLogger, tempDir } from '../helpers/hub-fixtures.ts';

const config = { type: 'github' as const, secret: ['stuck-sync-secret'] };

/** A WAL sync that does not return while held, like fdatasync on a dead mount. */
function createHeldSync() {
  let held = true;
  const waiting: (() => void)[] = [];
  return {
    sync: () => (held ? new Promise<void>((resolve) => waiting.push(resolve)) : Promise.resolve()),
    close: () => Promise.resolve(),
    release() {
      held = false;
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

const heldSync = createHeldSync();
const metrics = createMetrics({ processMetrics: false });
let bus: EmbeddedBus;
let server: IngressServer;
let base: string;

beforeAll(async () => {
  const path = join(tempDir(), 'hookhub.db');
  bus = new EmbeddedBus(await loadDatabase(path), resolveSettings({ path, syncTimeoutMs: 300 }), heldSync);
  metrics.trackBusUnconfirmed(() => bus.unconfirmedMs());
  const connectors = new Map<string, ConnectorInstance>([['gh', { name: 'gh', connector: githubConnector, config }]]);
  server = new IngressServer({ connectors, bus, bodyLimit: 1024 * 1024, logger: silentLogger, metrics });
  base = `http://127.0.0.1:${await server.listen(0)}`;
});

afterAll(async () => {
  heldSync.release();
  await server.close();
  await bus.close();
});

function deliver(id: string, body: Buffer) {
  const headers = githubConnector.sign(body, { name: 'gh', config, now: () => new Date() }, { id, event: 'push' });
  return fetch(`${base}/hooks/gh`, { method: 'POST', headers, body: new Uint8Array(body), signal: AbortSignal.timeout(5_000) });
}

async function unconfirmedSeconds(): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/^hookhub_bus_unconfirmed_seconds (\S+)$/m.exec(text)?.[1]);
}

it('answers 503 Retry-After while the sync hangs, shows it, and takes the retry as a duplicate once it returns', async () => {
  const id = randomUUID();
  const body = Buffer.from(JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'acme/api' }, nonce: id }));

  const refused = await deliver(id, body);
  expect(refused.status).toBe(503);
  expect(refused.headers.get('retry-after')).toBe('5');

  const ready = await fetch(`${base}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.text()).toContain('WAL sync');
  expect(await unconfirmedSeconds()).toBeGreaterThan(0);

  heldSync.release();
  await eventually(async () => (await fetch(`${base}/readyz`)).status === 200, 5_000, '/readyz ready again');
  expect(await unconfirmedSeconds()).toBe(0);
  const retried = await deliver(id, body);
  expect(retried.status).toBe(202);
  expect(await retried.json()).toEqual({ id, duplicate: true });
});
