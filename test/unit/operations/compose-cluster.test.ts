/** The `cluster` profile of docker-compose.yml: three routed NATS nodes and a hub split by role, with 3 replicas. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readEnv } from '../../../src/config/env.ts';
import { loadConfig } from '../../../src/config/load-config.ts';

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
type Service = {
  profiles?: string[];
  command?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown>;
};
const compose = parse(readFileSync(root('docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };

describe('docker compose --profile cluster', () => {
  it('runs three NATS nodes, each with its own name and JetStream volume, routed to each other', () => {
    const nodes = ['nats-1', 'nats-2', 'nats-3'].map((name) => compose.services[name]!);
    expect(nodes.map((n) => n.environment?.SERVER_NAME)).toEqual(['nats-1', 'nats-2', 'nats-3']);
    expect(new Set(nodes.map((n) => n.volumes?.[0])).size).toBe(3);
    expect(nodes.every((n) => n.profiles?.includes('cluster'))).toBe(true);
    const conf = readFileSync(root('deploy/nats-cluster.conf'), 'utf8');
    for (const name of ['nats-1', 'nats-2', 'nats-3']) expect(conf).toContain(`nats://${name}:6222`);
  });

  it('runs an ingress and a router,worker process on a config with replicas: 3 and all three servers', async () => {
    expect(compose.services['hookhub-ingress']?.command).toContain('ingress');
    expect(compose.services['hookhub-worker']?.command).toContain('router,worker');
    expect(Object.keys(compose.services['hookhub-worker']?.depends_on ?? {})).toEqual(['nats-1', 'nats-2', 'nats-3']);
    const env = readEnv({ GITHUB_WEBHOOK_SECRET: 'gh', HOOKHUB_ADMIN_TOKEN: 'a'.repeat(64) });
    const config = await loadConfig(root('deploy/hookhub-cluster.yaml'), env);
    expect(config.bus).toMatchObject({ type: 'nats', replicas: 3, url: 'nats://nats-1:4222,nats://nats-2:4222,nats://nats-3:4222' });
    expect(config.rulesDir).toBe(root('rules'));
  });
});
