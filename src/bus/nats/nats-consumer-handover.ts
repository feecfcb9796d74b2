import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { waitForCurrentReplicas } from './nats-settled.ts';

/** Asks a consumer's leader to hand over to one of its peers. */
export type StepDown = (stream: string, consumer: string) => Promise<void>;

/** The JetStream API's consumer step-down, for which nats.js v3 has no helper. */
export function consumerStepDown(nc: NatsConnection, timeoutMs: number): StepDown {
  return async (stream, consumer) => {
    const reply = await nc.request(`$JS.API.CONSUMER.LEADER.STEPDOWN.${stream}.${consumer}`, undefined, { timeout: timeoutMs });
    const answer = reply.json<{ success?: boolean; error?: { description?: string } }>();
    if (answer.success !== true) throw new Error(answer.error?.description ?? 'step-down refused');
  };
}

/**
 * After a stream went from 1 copy to more: nats-server 2.9 scales its durable consumers with it, but a
 * consumer made while the stream had one copy goes on keeping its acks to itself. Its new peers hold its
 * state of the moment it was scaled, so the first time its leader's node is lost, every message acked
 * since is delivered again (measured on 2.9.10: all of them, hours later). A leader elected after the
 * scaling replicates its acks, so each durable consumer hands over once, as soon as its peers are current.
 * Acks made between the scaling and the hand-over are the only ones delivered again.
 */
export async function handOverConsumers(
  jsm: JetStreamManager,
  stream: string,
  replicas: number,
  stepDown: StepDown,
  timeoutMs = 30_000,
): Promise<void> {
  const durables: string[] = [];
  for await (const info of jsm.consumers.list(stream)) if (info.config.durable_name) durables.push(info.name);
  for (const consumer of durables) {
    await waitForCurrentReplicas(
      `consumer ${consumer}`,
      async () => (await jsm.consumers.info(stream, consumer)).cluster,
      replicas,
      timeoutMs,
    );
    await stepDown(stream, consumer);
  }
}
