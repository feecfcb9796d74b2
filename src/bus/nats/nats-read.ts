import { AckPolicy, DeliverPolicy, type ConsumerConfig, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { addReadConsumer } from './nats-read-consumer.ts';

export interface RangeRequest {
  /** JetStream stream name. */
  stream: string;
  /** NATS subject filter. */
  filter: string;
  startSeq?: number;
  startTime?: Date;
  /** Fetch no more than this many in all: a read that ends at a seq asks for no batch beyond it. */
  maxMessages?: number;
  /**
   * How many the next fetch may take at most, asked before each fetch: a reader that knows what it still
   * needs (a limit, or a scan that ends at a letter it cannot see yet) keeps the server from sending a
   * whole batch past it.
   */
  nextBatch?: () => number;
  /** Deliver headers only (no body): what event heads and counts need (nats-event-heads.ts). */
  headersOnly?: boolean;
}

export interface ReadDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
}

/** Server-side, ephemeral consumers vanish on their own if a reader dies mid-way. */
const INACTIVE_THRESHOLD_MS = 30_000;
const FETCH_BATCH = 256;

/**
 * Reads stored messages in stream order through a short-lived ephemeral consumer (no acks),
 * starting at a sequence or a time, with a server-side subject filter. The reader stops as
 * soon as the caller breaks out, so a `limit` never walks the whole stream; the consumer's
 * `num_pending` tells where the end is, so no read waits for messages that will not come.
 */
export async function* readRange(deps: ReadDeps, request: RangeRequest): AsyncGenerator<JsMsg> {
  const info = await addReadConsumer(deps.jsm, request.stream, consumerConfig(request));
  try {
    let left = request.maxMessages ?? Number.POSITIVE_INFINITY;
    let remaining = Math.min(info.num_pending, left);
    if (remaining === 0) return;
    const consumer = await deps.js.consumers.get(request.stream, info.name);
    while (remaining > 0) {
      const wanted = Math.max(1, request.nextBatch?.() ?? FETCH_BATCH);
      const batch = await consumer.fetch({ max_messages: Math.min(remaining, FETCH_BATCH, wanted), expires: 5_000 });
      let got = 0;
      for await (const msg of batch) {
        got++;
        left -= 1;
        remaining = Math.min(msg.info.pending, left);
        yield msg;
      }
      // Messages can expire (max_age) while we read: stop instead of waiting for them.
      if (got === 0) return;
    }
  } finally {
    await deps.jsm.consumers.delete(request.stream, info.name).catch(() => undefined);
  }
}

function consumerConfig(request: RangeRequest): Partial<ConsumerConfig> {
  const config: Partial<ConsumerConfig> = {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
    filter_subject: request.filter,
    inactive_threshold: nanos(INACTIVE_THRESHOLD_MS),
    mem_storage: true,
    num_replicas: 1,
    ...(request.headersOnly ? { headers_only: true } : {}),
  };
  if (request.startSeq !== undefined) {
    config.deliver_policy = DeliverPolicy.StartSequence;
    config.opt_start_seq = request.startSeq;
  } else if (request.startTime !== undefined) {
    config.deliver_policy = DeliverPolicy.StartTime;
    config.opt_start_time = request.startTime.toISOString();
  }
  return config;
}
