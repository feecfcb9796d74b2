/**
 * `hookhub start --role`: an ingress-only process answers webhooks and routes nothing; a router,worker
 * process on the same NATS turns its events into deliveries and serves no webhooks.
 */
import { spawnSync } from 'node:child_process';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { sinkRule, writeHubConfig } from '../../bench/lib/hub-config.ts';
import { REPO_ROOT, startHubProcess, type NodeProcess } from '../../bench/lib/hub-process.ts';
import { freePort } from '../../bench/lib/run-child.ts';
import { startCountingSink } from '../faults/helpers/counting-sink.ts';
import { sinkKey } from '../faults/helpers/delivery-checks.ts';
import { sendWebhook } from '../faults/helpers/webhook-load.ts';
import { eventually, tempDir } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';

const nats = useNatsServer();

async function consumersOfEvents(url: string): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    return (await (await jetstreamManager(nc)).consumers.list('HOOKHUB_EVENTS').next()).length;
  } finally {
    await nc.close();
  }
}

describe('hub roles', () => {
  it('splits ingress from routing and delivery across two processes on one NATS', async () => {
    const sink = await startCountingSink();
    const [ingressPort, workerPort] = [await freePort(), await freePort()];
    const file = writeHubConfig({
      dir: tempDir('hookhub-roles-'),
      bus: { type: 'nats', url: nats().url },
      rules: { 'sink.yaml': sinkRule(sink.url) },
      allowlist: ['127.0.0.1'],
      port: ingressPort,
    });
    const procs: NodeProcess[] = [];
    try {
      procs.push(await startHubProcess(file, ingressPort, { args: ['--role', 'ingress'] }));
      const first = await sendWebhook(`http://127.0.0.1:${ingressPort}`, 'roles-1');
      expect(first.outcome).toBe(202);
      // Stored, but nobody routes it: an ingress-only process creates no consumer on the events stream.
      expect(await consumersOfEvents(nats().url)).toBe(0);

      procs.push(await startHubProcess(file, workerPort, { args: ['--role', 'worker,router'], env: { PORT: String(workerPort) } }));
      await eventually(() => sink.effects.has(sinkKey('roles-1')), 20_000, 'the router,worker process to deliver roles-1');
      expect(await consumersOfEvents(nats().url)).toBe(1);

      const worker = `http://127.0.0.1:${workerPort}`;
      expect((await sendWebhook(worker, 'roles-2')).outcome).toBe(404);
      expect((await fetch(`${worker}/healthz`)).status).toBe(200);
      expect((await fetch(`${worker}/readyz`)).status).toBe(200);
      expect((await fetch(`${worker}/api/events`)).status).toBe(404);
    } finally {
      await Promise.all(procs.map((p) => p.kill('SIGTERM')));
      await sink.close();
    }
  }, 90_000);

  it('refuses an unknown role and names the known ones', () => {
    const run = spawnSync(process.execPath, ['bin/hookhub.js', 'start', '--role', 'ingress,ingest'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('unknown role "ingest" in --role (use a comma-separated list of ingress, router, worker)');
  });
});
