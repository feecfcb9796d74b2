import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { IngressServer } from '../../src/ingress/ingress-server.ts';
import { eventually, silentLogger } from '../helpers/hub-fixtures.ts';
import { makeJob, publishJob, startSink, startWorker } from './delivery-harness.ts';

let dir: string;
let bus: EventBus | undefined;
afterEach(async () => {
  await bus?.close();
  bus = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function openBus(): Promise<{ bus: EventBus; path: string }> {
  dir = await mkdtemp(join(tmpdir(), 'hookhub-survival-'));
  const path = join(dir, 'hookhub.db');
  bus = await createEmbeddedBus({ path });
  return { bus, path };
}

describe('a consumer survives its errors', () => {
  it('keeps consuming after another process held the write lock past the busy timeout, and reports the failure', async () => {
    const { bus, path } = await openBus();
    await bus.publish('jobs', { id: 'j1', subject: 'notify', payload: { n: 1 } });
    const errors: string[] = [];
    const locker = new Database(path);
    locker.exec('BEGIN IMMEDIATE'); // a backup or `sqlite3` from a shell, holding the lock
    const sub = bus.consume('jobs', 'survivor', { onError: (e) => errors.push(String((e as { code?: string }).code)) });
    const iterator = sub[Symbol.asyncIterator]();
    const first = iterator.next();
    await eventually(() => errors.length > 0, 15_000, 'the lease to fail with SQLITE_BUSY');
    expect(errors[0]).toBe('SQLITE_BUSY');
    expect(await sub.pending()).toMatchObject({ count: 1 }); // read-only: answers while the lock is held
    locker.exec('COMMIT');
    locker.close();
    const delivered = await first;
    if (delivered.done === true) throw new Error('the subscription ended instead of delivering');
    expect(delivered.value.id).toBe('j1');
    await delivered.value.ack();
    expect(await sub.pending()).toEqual({ count: 0 });
    await sub.stop();
  }, 30_000);

  it('dead-letters a poison job after bounded deliveries; the jobs behind it are delivered', async () => {
    const { bus } = await openBus();
    const sink = await startSink();
    const worker = startWorker(bus, { options: { concurrency: 1 } });
    try {
      // A job whose payload is not a job at all: handling it throws every time.
      await bus.publish('jobs', { id: 'poison:rule:0', subject: 'webhook', payload: null });
      const good = [1, 2, 3].map((n) => makeJob('webhook', { url: `${sink.url}/ok/${n}` }));
      for (const job of good) await publishJob(bus, job);
      await eventually(() => sink.delivered().length === 3, 20_000, 'the good jobs delivered');
      const letter = await eventually(
        async () => (await bus.deadLetters()).find((l) => l.id === 'poison:rule:0'),
        20_000,
        'the poison job dead-lettered',
      );
      expect(letter?.reason).toMatch(/^handling failed 5 times: /);
    } finally {
      await worker.stop(1_000);
      await sink.close();
    }
  }, 40_000);
});

describe('/readyz', () => {
  it('shows the status only: no rule file paths or template excerpts for anonymous callers', async () => {
    const { bus } = await openBus();
    const problem =
      'rules: 1 error, running the last good rules; /srv/hookhub/rules/secret-team.yaml:4:31: notify: unknown channel "{{data.x}}"';
    const ingress = new IngressServer({ connectors: new Map(), bus, bodyLimit: 1024, logger: silentLogger, degraded: () => problem });
    const url = `http://127.0.0.1:${await ingress.listen(0)}`;
    try {
      const res = await fetch(`${url}/readyz`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ status: 'degraded' });
      expect(text).not.toContain('secret-team.yaml');
      expect(text).not.toContain('{{');
    } finally {
      await ingress.close();
    }
  });

  it('answers 200 degraded naming a background loop whose passes have all failed for a while', async () => {
    const { bus } = await openBus();
    const loops = [{ loop: 'retention', reason: 'the data file cannot be written (storage down)', failingSeconds: 42, failures: 3 }];
    const ingress = new IngressServer({ connectors: new Map(), bus, bodyLimit: 1024, logger: silentLogger, failingLoops: () => loops });
    const url = `http://127.0.0.1:${await ingress.listen(0)}`;
    try {
      const res = await fetch(`${url}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        status: 'degraded',
        detail: 'retention has failed every pass for 42 s (the data file cannot be written (storage down); details in the log)',
        loops,
      });
    } finally {
      await ingress.close();
    }
  });

  it('names the failing loops beside a stall: they are often why a consumer waits', async () => {
    const { bus } = await openBus();
    const stalls = [{ consumer: 'router', reason: 'no progress', idleSeconds: 40, pending: 3 }];
    const loops = [{ loop: 'subscriptions-refresh', reason: 'NATS cannot be reached (bus unreachable)', failingSeconds: 40, failures: 8 }];
    const ingress = new IngressServer({
      connectors: new Map(),
      bus,
      bodyLimit: 1024,
      logger: silentLogger,
      stalls: () => stalls,
      failingLoops: () => loops,
    });
    const url = `http://127.0.0.1:${await ingress.listen(0)}`;
    try {
      const res = await fetch(`${url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'stalled', consumers: stalls, loops });
    } finally {
      await ingress.close();
    }
  });

  it('answers 503 naming a stalled consumer and its reason', async () => {
    const { bus } = await openBus();
    const stalls = [
      { consumer: 'router', reason: 'the data file is locked by another process (storage busy)', idleSeconds: 31, pending: 12 },
    ];
    // The bus cannot say how it is (its status is a write waiting out a lock): a known stall is answered anyway.
    const waiting = { ...bus, status: () => new Promise<never>(() => undefined) };
    const ingress = new IngressServer({ connectors: new Map(), bus: waiting, bodyLimit: 1024, logger: silentLogger, stalls: () => stalls });
    const url = `http://127.0.0.1:${await ingress.listen(0)}`;
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'stalled', consumers: stalls });
    } finally {
      await ingress.close();
    }
  });
});
