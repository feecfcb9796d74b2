/**
 * Shared parts of the delivery integration tests: real buses (embedded on a temp file, NATS on the
 * file's own nats-server), a programmable local HTTP sink, jobs and a worker wired for tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { afterEach, beforeEach } from 'vitest';
import type { Job } from '../../src/actions/action.ts';
import { actions } from '../../src/actions/index.ts';
import { createDeliveryWorker, type DeliveryWorker, type DeliveryWorkerOptions } from '../../src/actions/runtime/delivery-worker.ts';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import type { Metrics } from '../../src/observability/metrics.ts';
import type { ActionRegistry } from '../../src/actions/registry.ts';

export interface BusHandle {
  bus: EventBus;
  /** Close the bus (a crash, as far as the worker is concerned) and open it again over the same storage. */
  reopen(): Promise<EventBus>;
  cleanup(): Promise<void>;
}

export interface Backend {
  name: 'embedded' | 'nats';
  open(): Promise<BusHandle>;
}

export const embeddedBackend: Backend = {
  name: 'embedded',
  async open() {
    const dir = await mkdtemp(join(tmpdir(), 'hookhub-delivery-'));
    const path = join(dir, 'hookhub.db');
    const handle: BusHandle = {
      bus: await createEmbeddedBus({ path }),
      async reopen() {
        await handle.bus.close();
        handle.bus = await createEmbeddedBus({ path });
        return handle.bus;
      },
      async cleanup() {
        await handle.bus.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
    return handle;
  },
};

let natsCounter = 0;

export function natsBackend(url: () => string): Backend {
  return {
    name: 'nats',
    async open() {
      const prefix = `dlv${process.pid}x${++natsCounter}`;
      const handle: BusHandle = {
        bus: await createNatsBus({ url: url(), prefix }),
        async reopen() {
          await handle.bus.close();
          handle.bus = await createNatsBus({ url: url(), prefix });
          return handle.bus;
        },
        async cleanup() {
          await handle.bus.close();
          const nc = await connect({ servers: url() });
          const jsm = await jetstreamManager(nc);
          for await (const name of jsm.streams.names()) if (name.toLowerCase().includes(prefix)) await jsm.streams.delete(name);
          await nc.close();
        },
      };
      return handle;
    },
  };
}

export interface SinkRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export type SinkReply = { status: number; headers?: Record<string, string>; body?: string; delayMs?: number } | 'hang';

export interface Sink {
  url: string;
  requests: SinkRequest[];
  /** Most requests that were open at the same time. */
  maxConcurrent: number;
  /** Requests answered with a 2xx. */
  delivered(): SinkRequest[];
  /** Decides the reply to the n-th request (1-based) on this sink. Default 200. */
  reply: (request: SinkRequest, n: number) => SinkReply;
  close(): Promise<void>;
}

/** A local HTTP server on port 0 that records every request and answers as told. */
export async function startSink(): Promise<Sink> {
  const hanging = new Set<ServerResponse>();
  const answered = new Map<SinkRequest, number>();
  let open = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
      };
      sink.requests.push(request);
      const reply = sink.reply(request, sink.requests.length);
      if (reply === 'hang') return void hanging.add(res);
      open += 1;
      sink.maxConcurrent = Math.max(sink.maxConcurrent, open);
      setTimeout(() => {
        open -= 1;
        answered.set(request, reply.status);
        res.writeHead(reply.status, reply.headers).end(reply.body ?? '');
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sink: Sink = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: [],
    maxConcurrent: 0,
    delivered: () => sink.requests.filter((r) => (answered.get(r) ?? 0) >= 200 && (answered.get(r) ?? 0) < 300),
    reply: () => ({ status: 200, body: 'ok' }),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return sink;
}

let jobCounter = 0;

export function makeJob(action: string, params: Record<string, unknown>, id = `evt-${++jobCounter}-${Date.now()}:rule:0`): Job {
  return {
    id,
    eventId: id.split(':')[0] ?? id,
    eventType: 'github.pull_request.opened',
    rule: 'rule',
    index: 0,
    action,
    params,
    createdAt: new Date().toISOString(),
  };
}

export async function publishJob(bus: EventBus, job: Job): Promise<void> {
  await bus.publish('jobs', { id: job.id, subject: job.action, payload: job });
}

export interface WorkerSetup {
  /** Action types; the built-ins when absent. */
  registry?: ActionRegistry;
  channels?: Record<string, { type: string } & Record<string, unknown>>;
  options?: DeliveryWorkerOptions;
  metrics?: Metrics;
}

/** A worker that may call 127.0.0.1 (the sinks), with a short retry schedule unless told otherwise. */
export function startWorker(bus: EventBus, setup: WorkerSetup = {}): DeliveryWorker {
  const worker = createDeliveryWorker({
    bus,
    registry: setup.registry ?? actions,
    channels: setup.channels ?? {},
    logger: pino({ level: 'silent' }),
    now: () => new Date(),
    ...(setup.metrics ? { metrics: setup.metrics } : {}),
    options: {
      network: { allow: ['127.0.0.1'] },
      retry: { schedule: [200, 200, 200], jitter: 0 },
      attemptTimeoutMs: 2_000,
      ...setup.options,
    },
  });
  worker.start();
  return worker;
}

/** Attempt records of a job, in order. */
export async function attempts(bus: EventBus, jobId: string): Promise<Record<string, unknown>[]> {
  return (await bus.records(jobId)).filter((r) => r.kind === 'attempt').map((r) => r.data);
}

/** A fresh bus and sink for each test, and the workers a test pushes here stopped after it. */
export interface DeliveryFixture {
  handle: BusHandle;
  sink: Sink;
  workers: DeliveryWorker[];
}

export function useDeliveryFixture(backend: Backend): DeliveryFixture {
  const fixture = { workers: [] as DeliveryWorker[] } as DeliveryFixture;
  beforeEach(async () => {
    fixture.handle = await backend.open();
    fixture.sink = await startSink();
  });
  afterEach(async () => {
    await Promise.all(fixture.workers.splice(0).map((w) => w.stop(0)));
    await fixture.sink.close();
    await fixture.handle.cleanup();
  });
  return fixture;
}

export { delay, eventually } from '../contract/bus-contract-helpers.ts';
