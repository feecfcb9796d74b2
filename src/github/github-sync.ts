import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ConsumerProbe } from '../bus/consumer-health.ts';
import { failureBackoffMs } from '../bus/consumer-failure.ts';
import type { BusKv, BusStreams } from '../bus/event-bus.ts';
import type { HubConfig } from '../config/load-config.ts';
import type { LiveSecrets } from '../operations/live-secrets.ts';
import type { GithubClientOptions } from './github-client.ts';
import { createGithubMetrics } from './github-metrics.ts';
import type { SyncContext } from './sync-connector.ts';
import { contextsUntilBuilt, syncedConnectors } from './sync-contexts.ts';
import { createSyncLease, type SyncLease } from './sync-lease.ts';
import { leasedPass } from './sync-pass.ts';

/** A failed setup (the connectors' clients and hook settings) is tried again after 1 s, doubling to 30 s. */
const SETUP_RETRY_MS = 1_000;

export interface GithubSyncOptions {
  config: HubConfig;
  /** Events (what the hub has) and kv (which hub process runs a connector's passes: sync-lease.ts). */
  bus: BusStreams & BusKv;
  logger: Logger;
  now?: () => Date;
  fetch?: typeof fetch;
  /** Failed and finished passes (hookhub_consumer_errors_total), logged once per streak of one reason. */
  probe?: ConsumerProbe;
  /** The hub's metrics registry; adds `hookhub_github_*` counters. */
  registry?: Registry;
  /** Client tuning (tests shorten the 1 s pause between writes). */
  client?: Pick<GithubClientOptions, 'writeIntervalMs' | 'retries' | 'maxRateLimitWaitMs' | 'requestTimeoutMs'>;
  /** Given the JWTs and installation tokens a GitHub App's key mints here, as the workers' clients give theirs. */
  liveSecrets?: Pick<LiveSecrets, 'add'>;
  /** What the hub knows to be secret (createKnownSecrets), masked in the errors the sync logs: GitHub's answer may echo a token. */
  knownSecrets?: () => readonly string[];
}

export interface GithubSync {
  /** Settles when the first pass (hooks ensured, then missed deliveries recovered) is over. Never rejects. */
  readonly ready: Promise<void>;
  /** Runs a pass now (also what the timer runs): ensure hooks, then reconcile. */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * For each github connector with `repos`/`orgs`: on start, and then every `reconcile.every`, makes sure each
 * has exactly one hub hook and redelivers the failed deliveries the hub never stored. Runs in the background;
 * failures are counted and retried on the next pass, a failed setup after a back-off. Throws ConfigError at
 * once when a connector lists repos/orgs but no public URL is known.
 */
export function startGithubSync(options: GithubSyncOptions): GithubSync {
  checkGithubSync(options.config);
  const now = options.now ?? (() => new Date());
  const metrics = options.registry ? createGithubMetrics(options.registry) : undefined;
  let stopped = false;
  // Stops leased passes before their next redelivery: stop() gives their lease up, so another process takes over.
  // It also ends the clients' rate-limit waits: a pass waiting out a reset fails at once.
  const stopping = new AbortController();
  const contextsNow = contextsUntilBuilt(options, now, metrics, stopping.signal);
  let running: Promise<void> = Promise.resolve();
  const timers = new Set<NodeJS.Timeout>();
  const logFailure = failureReporter(options);
  const lease = syncLeaseFor(options, now);

  // Passes never overlap: each one is chained after the previous. `force`: run even when another process holds the lease.
  const enqueue = (ctx: SyncContext, force = false) =>
    (running = running
      .then(() => leasedPass(ctx, { lease, stopping: stopping.signal }, now, force))
      .then(() => options.probe?.progress())
      .catch((err: Error) => void logFailure(err, ctx.settings.name)));
  const runAll = async (force: boolean) => {
    await Promise.all((await contextsNow()).map((ctx) => enqueue(ctx, force)));
  };
  const schedule = (ctx: SyncContext) => {
    const { every } = ctx.settings.reconcile;
    if (every > 0 && !stopped) after(timers, every, () => void enqueue(ctx).finally(() => schedule(ctx)));
  };
  const setUp = (failures: number): Promise<void> =>
    runAll(false).then(
      async () => (await contextsNow()).forEach(schedule),
      (err: Error) => {
        logFailure(err);
        if (!stopped) after(timers, failureBackoffMs(failures + 1, SETUP_RETRY_MS), () => void setUp(failures + 1));
      },
    );
  const ready = setUp(0);
  return {
    ready,
    runOnce: () => runAll(true),
    stop() {
      stopped = true;
      return stopSync({ stopping, timers, lease, contextsNow }, () => ready.then(() => running));
    },
  };
}

/**
 * The embedded bus is one process's (a local SQLite file): nothing to agree on, and a restart after a crash
 * must not wait for the lease of the process it replaces to lapse.
 */
function syncLeaseFor(options: GithubSyncOptions, now: () => Date): SyncLease | undefined {
  return options.config.bus.type === 'nats' ? createSyncLease(options.bus, now) : undefined;
}

interface StoppingSync {
  stopping: AbortController;
  timers: Set<NodeJS.Timeout>;
  lease: SyncLease | undefined;
  contextsNow: () => Promise<SyncContext[]>;
}

/** Ends passes and timers, lets the pass in flight (`inFlight`) finish for a little while, then gives the leases up. */
async function stopSync({ stopping, timers, lease, contextsNow }: StoppingSync, inFlight: () => Promise<void>): Promise<void> {
  stopping.abort();
  for (const t of timers) clearTimeout(t);
  timers.clear();
  // A request in flight is let finish for a little while (a redelivery answered is one done); a pass's
  // rate-limit waits have ended already (stopping).
  const grace = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
  await Promise.race([inFlight().catch(() => {}), grace]);
  const names = await contextsNow().then(
    (all) => all.map((ctx) => ctx.settings.name),
    () => [],
  );
  await lease?.release(names);
}

/** Counts a failed pass or setup on the probe, or logs it when there is no probe. */
function failureReporter(options: GithubSyncOptions) {
  return (err: Error, connector?: string) =>
    options.probe
      ? options.probe.failure(err, connector ? { connector } : {})
      : options.logger.error({ err: err.message, connector }, connector ? 'GitHub sync failed' : 'GitHub sync failed to start; retrying');
}

/** Runs `run` after `ms`, unless stop() clears `timers` first. */
function after(timers: Set<NodeJS.Timeout>, ms: number, run: () => void): void {
  const timer = setTimeout(() => {
    timers.delete(timer);
    run();
  }, ms);
  timer.unref();
  timers.add(timer);
}

/**
 * Throws the ConfigError startGithubSync would throw (a connector with repos/orgs/appWebhook but no public URL),
 * so the hub can fail before it opens anything.
 */
export function checkGithubSync(config: HubConfig): void {
  syncedConnectors(config);
}
