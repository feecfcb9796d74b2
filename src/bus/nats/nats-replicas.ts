import type { JetStreamManager, StreamInfo } from '@nats-io/jetstream';
import { ConfigError } from '../../errors.ts';
import { handOverConsumers, type StepDown } from './nats-consumer-handover.ts';
import { hasNatsCode, NatsErrorCodes } from './nats-error-codes.ts';
import { waitForCurrentReplicas } from './nats-settled.ts';

/**
 * Brings an existing stream (or the stream behind a KV bucket) to `replicas` copies. JetStream scales
 * a clustered stream up or down in place; when it refuses (not a cluster, too few servers), the hub
 * stops with what to change, instead of running with fewer copies than configured.
 */
export async function ensureReplicas(jsm: JetStreamManager, info: StreamInfo, replicas: number, stepDown?: StepDown): Promise<void> {
  const current = info.config.num_replicas;
  if (current === replicas) return;
  const name = info.config.name;
  // A server outside a cluster reports no `cluster` and accepts any count (2.9), then never elects a leader to
  // show it settled: refuse more copies at once, and fewer (what an earlier hub left) need no settling.
  const standalone = info.cluster === undefined;
  if (standalone && replicas > 1) {
    throw new ConfigError(
      `bus.replicas is ${replicas} but NATS is a single server, not a JetStream cluster, so stream ${name} keeps its ` +
        `${current} cop${current === 1 ? 'y' : 'ies'}. Set bus.replicas: 1, or run a JetStream cluster of at least ${replicas} servers.`,
    );
  }
  try {
    await jsm.streams.update(name, { num_replicas: replicas });
    if (!standalone) await settled(jsm, name, replicas);
  } catch (err) {
    throw new ConfigError(
      `bus.replicas is ${replicas} but stream ${name} has ${current} and NATS refused to change it (${reason(err)}). ` +
        `Set bus.replicas: ${current}, or ${replicas > 1 ? `make sure the JetStream cluster has at least ${replicas} servers, then ` : ''}` +
        `change it by hand: nats stream edit ${name} --replicas ${replicas}`,
    );
  }
  if (current === 1 && replicas > 1 && stepDown) await handOver(jsm, name, replicas, stepDown);
}

/** See handOverConsumers. If it cannot be done, the stream goes back to one copy, so the next start tries again. */
async function handOver(jsm: JetStreamManager, name: string, replicas: number, stepDown: StepDown): Promise<void> {
  try {
    await handOverConsumers(jsm, name, replicas, stepDown);
  } catch (err) {
    await jsm.streams.update(name, { num_replicas: 1 }).catch(() => undefined);
    throw new ConfigError(
      `stream ${name} got ${replicas} copies, but its consumers could not hand over to a new leader (${reason(err)}), ` +
        `without which losing a leader's node would deliver again every message acked since; the stream is back to 1 copy. ` +
        `Let the hub's NATS user publish to $JS.API.CONSUMER.LEADER.STEPDOWN.> (docs/operations.md), then start the hub again.`,
    );
  }
}

/**
 * A stream being scaled elects a leader and copies its messages to the new peers; until then reads
 * time out. Waits (bounded) for a leader and every peer current, so the hub starts on a usable stream.
 */
function settled(jsm: JetStreamManager, name: string, replicas: number, timeoutMs = 30_000): Promise<void> {
  return waitForCurrentReplicas(`stream ${name}`, async () => (await jsm.streams.info(name)).cluster, replicas, timeoutMs);
}

/** Wraps a failure to create a stream or bucket with `replicas` copies into what to change. */
export async function creatingWithReplicas<T>(name: string, replicas: number, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (err) {
    const placement = [NatsErrorCodes.ReplicasNotSupported, NatsErrorCodes.NoSuitablePeers, NatsErrorCodes.InsufficientResources];
    if (replicas === 1 || !hasNatsCode(err, ...placement)) throw err;
    throw new ConfigError(
      `cannot create ${name} with ${replicas} replicas (${reason(err)}): bus.replicas above 1 needs a JetStream cluster ` +
        `of at least that many servers. Set bus.replicas: 1 for a single server.`,
    );
  }
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
