import {
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { nanos } from '@nats-io/transport-node';
import type { NatsNames } from './nats-names.ts';
import type { DeadLetterStore } from './nats-dead-letters.ts';
import { hasNatsCode, NatsErrorCodes } from './nats-error-codes.ts';
import { dropDeleteMarkers, openLegacyIndex } from './nats-legacy-index.ts';
import type { StepDown } from './nats-consumer-handover.ts';
import { creatingWithReplicas, ensureReplicas } from './nats-replicas.ts';

/** Short window for JetStream's own in-memory msg-id dedup; the long horizon is the per-id subjects (nats-publish.ts). */
const DUPLICATE_WINDOW_MS = 2 * 60_000;

export interface NatsStores {
  /** Content keys (BusMessage.contentKey), kept for the id horizon. */
  content: KV;
  deadLetters: DeadLetterStore;
  /** An older release's id index, while it still has entries. */
  legacy: KV | undefined;
}

/**
 * Creates (or reconciles) the events, jobs and history streams and the KV buckets.
 * Only nats-server 2.9 features are used (no per-message TTL, single filter subjects).
 */
export async function ensureNatsStores(
  js: JetStreamClient,
  jsm: JetStreamManager,
  names: NatsNames,
  limits: { retentionMs: number; idHorizonMs: number; timeoutMs: number; replicas: number },
  /** Hands the events' and jobs' consumers over after their stream got more copies (nats-consumer-handover.ts). */
  stepDown?: StepDown,
): Promise<NatsStores> {
  // No stream here has a max_age: it would delete unfinished work, and the history records unfinished
  // jobs need. nats-retention.ts and nats-history-retention.ts sweep them instead.
  const base = (name: string, subject: string): Partial<StreamConfig> & { name: string } => ({
    name,
    subjects: [subject],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: 0,
    num_replicas: limits.replicas,
  });
  const duplicateWindow = nanos(Math.min(DUPLICATE_WINDOW_MS, limits.retentionMs));
  for (const stream of ['events', 'jobs'] as const) {
    const config = { ...base(names.stream(stream), names.filter(stream)), duplicate_window: duplicateWindow };
    await ensureStream(jsm, config, stepDown);
  }
  const history = base(names.historyStream, `${names.prefix}.history.>`);
  await ensureStream(jsm, { ...history, duplicate_window: duplicateWindow });
  const kvm = new Kvm(js);
  const content = await openBucket(kvm, jsm, names.contentBucket, limits.idHorizonMs, limits);
  // Dead letters stay until retried or purged (`hookhub dlq purge`): no TTL, whatever the retention.
  const dlq = await openBucket(kvm, jsm, names.deadLetterBucket, 0, limits);
  await dropDeleteMarkers(jsm, dlq, `KV_${names.deadLetterBucket}`);
  const deadLetters = { kv: dlq, js, jsm, stream: `KV_${names.deadLetterBucket}`, filter: `$KV.${names.deadLetterBucket}.>` };
  const legacy = await openLegacyIndex(js, jsm, names.legacyDedupBucket);
  return { content, deadLetters, legacy };
}

/** Every stream ensureNatsStores makes, its KV buckets' included (the legacy index is only ever read). */
export function storeStreams(names: NatsNames): string[] {
  return [names.stream('events'), names.stream('jobs'), names.historyStream, `KV_${names.contentBucket}`, `KV_${names.deadLetterBucket}`];
}

async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }, stepDown?: StepDown): Promise<void> {
  const existing = await jsm.streams.info(config.name).catch((err: unknown) => {
    if (hasNatsCode(err, NatsErrorCodes.StreamNotFound)) return undefined;
    throw err;
  });
  if (existing === undefined) {
    await creatingWithReplicas(`stream ${config.name}`, config.num_replicas ?? 1, () => jsm.streams.add(config));
    return;
  }
  await ensureReplicas(jsm, existing, config.num_replicas ?? 1, stepDown);
  const changed = existing.config.max_age !== config.max_age || existing.config.duplicate_window !== config.duplicate_window;
  if (changed) {
    await jsm.streams.update(config.name, { max_age: config.max_age, duplicate_window: config.duplicate_window });
  }
}

/** Opens (or creates) a KV bucket; Kvm.create opens an existing one as is, so apply a changed max age. */
async function openBucket(
  kvm: Kvm,
  jsm: JetStreamManager,
  name: string,
  ttlMs: number,
  limits: { timeoutMs: number; replicas: number },
): Promise<KV> {
  const { timeoutMs, replicas } = limits;
  const kv = await creatingWithReplicas(`KV bucket ${name}`, replicas, () =>
    kvm.create(name, { history: 1, ttl: ttlMs, storage: StorageType.File, timeout: timeoutMs, replicas }),
  );
  const info = await jsm.streams.info(`KV_${name}`);
  await ensureReplicas(jsm, info, replicas);
  if (info.config.max_age !== nanos(ttlMs)) {
    await jsm.streams.update(`KV_${name}`, { max_age: nanos(ttlMs) });
  }
  return kv;
}
