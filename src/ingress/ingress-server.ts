import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { BusStreams, EventBus } from '../bus/event-bus.ts';
import type { FailingLoop, Stall } from '../bus/consumer-health.ts';
import type { Metrics } from '../observability/metrics.ts';
import { createHooksRoute, type ConnectorInstance } from './hooks-route.ts';
import { sendError, sendJson, sendText } from '../http/inbound.ts';

export interface IngressOptions {
  connectors: ReadonlyMap<string, ConnectorInstance>;
  /** Publishes webhooks; its status answers /readyz. */
  bus: BusStreams & Pick<EventBus, 'status'>;
  bodyLimit: number;
  /** `server.publicUrl`, a host that connectors on a development secret answer for besides this machine's names. */
  publicUrl?: string;
  /** Slow-client bounds (server.headersTimeout, requestTimeout, maxConnections); Node's defaults when absent. */
  limits?: { headersTimeoutMs: number; requestTimeoutMs: number; maxConnections: number };
  logger: Logger;
  now?: () => Date;
  /** Served on GET /metrics; also counts every webhook by connector and status. */
  metrics?: Metrics;
  /** A non-fatal problem to show on /readyz (e.g. a broken rules file while the last good rules run). */
  degraded?: () => string | undefined;
  /** Consumers with pending work and no progress (answered as 503 on /readyz). */
  stalls?: () => readonly Stall[];
  /** Background loops whose passes have failed for a while (answered as 200 degraded on /readyz). */
  failingLoops?: () => readonly FailingLoop[];
  /** Everything that is not /hooks, /healthz, /readyz or /metrics: the first mount whose prefix the path starts with. */
  mounts?: readonly Mount[];
  /** Called once each /hooks answer is sent (the dashboard's connector activity). Must not throw. */
  onHook?: (observation: HookObservation) => void;
}

/** A handler mounted under a path prefix (`/approvals/`, or `/` for the API and the dashboard). */
export interface Mount {
  prefix: string;
  handle: (req: IncomingMessage, res: ServerResponse) => void;
}

/** One answered /hooks request, as the operator dashboard sees it. */
export interface HookObservation {
  connector: string;
  method: string;
  status: number;
  headers: IncomingHttpHeaders;
  time: Date;
  durationMs: number;
  /** For a refused signature: what the operator should check, from the connector's reason. */
  hint?: string;
  /** Items of a verified batch dropped as unusable while the rest was stored (ConnectorResult.dropped). */
  droppedItems?: number;
}

/**
 * The HTTP front door and its route table, in order: `/hooks/<name>` (a bare node:http path on
 * purpose: it is the hot path), `/healthz`, `/readyz`, `/metrics`, then the mounts by prefix
 * (the hub mounts `/approvals/`, then `/` for the API and the dashboard), else 404.
 */
export class IngressServer {
  readonly #server: Server;
  readonly #options: IngressOptions;
  readonly #hooks: ReturnType<typeof createHooksRoute>;
  /** Hints of refused requests, until their answer is observed. */
  readonly #hints = new WeakMap<ServerResponse, string>();
  /** Counts of batch items dropped, until their answer is observed. */
  readonly #dropped = new WeakMap<ServerResponse, number>();

  constructor(options: IngressOptions) {
    this.#options = options;
    this.#hooks = createHooksRoute({
      connectors: options.connectors,
      bus: options.bus,
      bodyLimit: options.bodyLimit,
      ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
      logger: options.logger,
      now: options.now ?? (() => new Date()),
      ...(options.metrics ? { observe: countIngress(options.metrics) } : {}),
      explain: (res, hint) => this.#hints.set(res, hint),
      dropped: (res, connector, items) => {
        this.#dropped.set(res, items.length);
        options.metrics?.ingressDroppedItems.inc({ connector }, items.length);
      },
    });
    // Timeouts are enforced on this checking interval; Node's default (30 s) would let a slow client outlive them by that much.
    this.#server = createServer({ connectionsCheckingInterval: 1_000 }, (req, res) => this.#route(req, res));
    // Providers keep connections open; a keep-alive longer than typical proxies avoids resets.
    this.#server.keepAliveTimeout = 65_000;
    if (options.limits) {
      this.#server.headersTimeout = options.limits.headersTimeoutMs;
      this.#server.requestTimeout = options.limits.requestTimeoutMs;
      this.#server.maxConnections = options.limits.maxConnections;
    }
  }

  /** Listens and resolves with the bound port (use 0 for a free port). */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => resolve((this.#server.address() as AddressInfo).port));
    });
  }

  /** The address the server is bound to, as `host:port` (`[::1]:8080` for IPv6). */
  boundAddress(): string {
    const info = this.#server.address() as AddressInfo;
    return info.family === 'IPv6' ? `[${info.address}]:${info.port}` : `${info.address}:${info.port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  #route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    if (url.startsWith('/hooks/')) {
      const end = url.indexOf('?');
      const name = safeDecode(url.slice(7, end === -1 ? undefined : end));
      if (this.#options.onHook) this.#observe(req, res, name, this.#options.onHook);
      this.#hooks(req, res, name).catch((err) => {
        this.#options.logger.error({ err }, 'ingress failure');
        if (!res.headersSent) sendError(res, 500, 'internal error');
      });
      return;
    }
    const path = url.split('?')[0] ?? '/';
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') return void this.#ready(res);
    if (path === '/metrics' && this.#options.metrics) return void this.#metrics(res);
    const mount = this.#options.mounts?.find((m) => path.startsWith(m.prefix));
    if (mount) return mount.handle(req, res);
    sendError(res, 404, 'not found');
  }

  #observe(req: IncomingMessage, res: ServerResponse, connector: string, onHook: (o: HookObservation) => void): void {
    const time = (this.#options.now ?? (() => new Date()))();
    const started = performance.now();
    res.once('finish', () => {
      const hint = this.#hints.get(res);
      const droppedItems = this.#dropped.get(res);
      onHook({
        connector,
        method: req.method ?? 'POST',
        status: res.statusCode,
        headers: req.headers,
        time,
        durationMs: performance.now() - started,
        ...(hint === undefined ? {} : { hint }),
        ...(droppedItems === undefined ? {} : { droppedItems }),
      });
    });
  }

  async #ready(res: ServerResponse): Promise<void> {
    // Known stalls first, from memory: after a storage failure the bus's status is a write, which waits
    // out another process's lock on the file (with the event loop blocked), so it would answer too late.
    const stalls = this.#options.stalls?.() ?? [];
    const loops = this.#options.failingLoops?.() ?? [];
    if (stalls.length > 0) {
      const consumers = stalls.map(({ consumer, reason, idleSeconds, pending }) => ({ consumer, reason, idleSeconds, pending }));
      // A failing loop is often why a consumer waits (the router waits for the subscriptions to load).
      return sendJson(res, 503, { status: 'stalled', consumers, ...(loops.length > 0 ? { loops } : {}) }, { 'retry-after': '5' });
    }
    const bus = await this.#options.bus.status().catch((err: Error) => ({ ok: false, detail: err.message }));
    if (!bus.ok) return sendJson(res, 503, { status: 'unavailable', bus: bus.detail ?? 'down' }, { 'retry-after': '5' });
    // Public: the status only. Which rule file failed and why is for operators, at GET /api/status.
    const problems: string[] = [];
    if (this.#options.degraded?.())
      problems.push('the rules on disk do not load; the last good rules are running (details: GET /api/rules)');
    // Webhooks are still taken, so the answer stays 200: the loop is named, its error is in the log.
    for (const { loop, reason, failingSeconds } of loops)
      problems.push(`${loop} has failed every pass for ${failingSeconds} s (${reason}; details in the log)`);
    if (problems.length === 0) return sendJson(res, 200, { status: 'ready' });
    sendJson(res, 200, { status: 'degraded', detail: problems.join('; '), ...(loops.length > 0 ? { loops } : {}) });
  }

  async #metrics(res: ServerResponse): Promise<void> {
    const { registry } = this.#options.metrics!;
    // A collector can fail (e.g. the DLQ depth while the store is unavailable): say so, don't crash.
    const text = await registry.metrics().catch((err: Error) => err);
    if (text instanceof Error) return sendError(res, 503, `metrics unavailable: ${text.message}`);
    sendText(res, 200, text, registry.contentType);
  }
}

function countIngress(metrics: Metrics) {
  return (connector: string, status: number) => metrics.ingress.inc({ connector, status: String(status) });
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
