import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubConnector } from '../../connectors/github/index.ts';
import { createNatsBus, type NatsBus } from '../../src/bus/nats/nats-bus.ts';
import { IngressServer } from '../../src/ingress/ingress-server.ts';
import { eventually, silentLogger } from '../helpers/hub-fixtures.ts';
import { startNatsServer, type NatsServerHandle } from '../helpers/nats-server.ts';

const config = { type: 'github' as const, secret: ['s'] };
let nats: NatsServerHandle;
let bus: NatsBus;
let ingress: IngressServer;
let base: string;

async function deliver(): Promise<{ status: number; id: string }> {
  const id = randomUUID();
  const body = Buffer.from(JSON.stringify({ zen: id, hook_id: 1, repository: { full_name: 'acme/api' } }));
  const headers = githubConnector.sign(body, { name: 'gh', config, now: () => new Date() }, { id, event: 'push' });
  const res = await fetch(`${base}/hooks/gh`, { method: 'POST', headers, body: new Uint8Array(body) });
  return { status: res.status, id };
}

beforeAll(async () => {
  nats = await startNatsServer();
  bus = await createNatsBus({ url: nats.url, timeoutMs: 1500 });
  const connectors = new Map([['gh', { name: 'gh', connector: githubConnector, config }]]);
  ingress = new IngressServer({ connectors, bus, bodyLimit: 1 << 20, logger: silentLogger });
  base = `http://127.0.0.1:${await ingress.listen(0)}`;
});

afterAll(async () => {
  await ingress.close();
  await bus.close();
  await nats.stop();
});

describe('ingress on NATS while NATS goes away and comes back', () => {
  it('answers 503 (never 202) while NATS is down and recovers without a restart', async () => {
    const before = await deliver();
    expect(before.status).toBe(202);

    await nats.halt();
    const during = await Promise.all([deliver(), deliver(), deliver()]);
    for (const attempt of during) expect(attempt.status).toBe(503);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);

    await nats.restart();
    const after = await eventually(
      async () => {
        const attempt = await deliver();
        return attempt.status === 202 ? attempt : undefined;
      },
      20_000,
      'a 202 after NATS came back',
    );
    expect(await bus.get('events', after!.id)).toBeDefined();
    expect(await bus.get('events', before.id)).toBeDefined();
    for (const attempt of during) expect(await bus.get('events', attempt.id)).toBeUndefined();
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});
