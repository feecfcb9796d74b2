/** Options of the embedded bus, their defaults and validation. */
import { ConfigError } from '../../errors.ts';
import type { RetentionReport } from '../event-bus.ts';

const HOUR = 3_600_000;

export interface EmbeddedBusOptions {
  /** The SQLite file; its folder is created if missing. */
  path: string;
  /** How long messages and history records are kept (unfinished messages are kept longer). Default 7 days. */
  retentionMs?: number;
  /** How long an id is remembered for dedup. Default and minimum 24 h (the EventBus contract). */
  dedupHorizonMs?: number;
  now?: () => Date;
  /** How often idle subscriptions look for other processes' writes and expired leases. Default 50 ms. */
  pollMs?: number;
  /** How often retention runs. Default 1 min. */
  pruneEveryMs?: number;
  /**
   * How long a durable write (a webhook's 202) waits for the WAL file's sync before it fails, so the ingress answers
   * 503 instead of hanging on a stuck disk. Default 3 s, like a NATS publish.
   */
  syncTimeoutMs?: number;
  /** Told about each retention sweep (the hub counts failures in its consumer metrics). */
  retentionReport?: RetentionReport;
}

/** Options with defaults applied. */
export type EmbeddedBusSettings = Required<Omit<EmbeddedBusOptions, 'now' | 'retentionReport'>> & {
  now: () => Date;
  retentionReport?: RetentionReport;
};

/** Apply defaults and validate; throws ConfigError naming the bad option. */
export function resolveSettings(options: EmbeddedBusOptions): EmbeddedBusSettings {
  const settings: EmbeddedBusSettings = {
    path: options.path,
    retentionMs: options.retentionMs ?? 7 * 24 * HOUR,
    dedupHorizonMs: options.dedupHorizonMs ?? 24 * HOUR,
    now: options.now ?? (() => new Date()),
    pollMs: options.pollMs ?? 50,
    pruneEveryMs: options.pruneEveryMs ?? 60_000,
    syncTimeoutMs: options.syncTimeoutMs ?? 3_000,
    ...(options.retentionReport ? { retentionReport: options.retentionReport } : {}),
  };
  for (const key of ['retentionMs', 'dedupHorizonMs', 'pollMs', 'pruneEveryMs', 'syncTimeoutMs'] as const) {
    if (!(settings[key] > 0)) throw new ConfigError(`bus.${key} must be a positive number of milliseconds`);
  }
  if (settings.dedupHorizonMs < 24 * HOUR) throw new ConfigError('bus.dedupHorizonMs must be at least 24 h');
  return settings;
}
