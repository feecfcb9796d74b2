import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The hub's Prometheus metrics, on their own Registry (never prom-client's global one). */
export interface Metrics {
  readonly registry: Registry;
  /** Webhooks received, by connector instance and HTTP status answered. */
  readonly ingress: Counter<'connector' | 'status'>;
  /** Items of verified batches (Meta entries, Event Streams CloudEvents) dropped as unusable while the rest was stored. */
  readonly ingressDroppedItems: Counter<'connector'>;
  /** Rule matches, by rule name. */
  readonly ruleMatches: Counter<'rule'>;
  /** Delivery outcomes, by action type, channel ('' when none) and outcome (success, retry, rate_limited, dead_letter, skipped, deferred). */
  readonly deliveries: Counter<'action' | 'channel' | 'outcome'>;
  /** Jobs delivered with a warning (an email some of whose recipients were refused), by action type and channel. */
  readonly deliveryWarnings: Counter<'action' | 'channel'>;
  /** Duration of each delivery attempt in seconds, by action, channel and outcome. */
  readonly attemptLatency: Histogram<'action' | 'channel' | 'outcome'>;
  /** Jobs in the dead-letter store (read from the bus at scrape time once tracked). */
  readonly dlqDepth: Gauge;
  /** Meta-events (`source: /hookhub`) by type and outcome (published, duplicate, suppressed by loop protection, failed). */
  readonly metaEvents: Counter<'type' | 'outcome'>;
  /** Sets where the DLQ depth comes from (called at each scrape). */
  trackDlqDepth(source: () => Promise<number> | number): void;
  /** Failures of the hub's consumers and background loops, by consumer and reason (storage_busy, storage_down, bus_unreachable, message). */
  readonly consumerErrors: Counter<'consumer' | 'reason'>;
  /** Per consumer: messages waiting to be handled now, age of the oldest, seconds since the last progress. */
  readonly consumerPending: Gauge<'consumer'>;
  readonly consumerOldestPending: Gauge<'consumer'>;
  readonly consumerSinceProgress: Gauge<'consumer'>;
  /** Sets where the seconds the bus has been unable to confirm writes come from (read at each scrape). */
  trackBusUnconfirmed(source: () => number): void;
  /** Times the NATS connection came back after it was lost (a node restarted, froze or left the cluster). */
  readonly busReconnects: Counter;
  /** Times the NATS client gave its connection up for good (authorization errors, reconnect attempts used up) and the hub opened a new one. */
  readonly busReopens: Counter;
}

export interface MetricsOptions {
  /** Also collect Node process metrics (CPU, memory, event loop lag). Default true. */
  processMetrics?: boolean;
  /** Prefix for every metric name. Default `hookhub_`. */
  prefix?: string;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const prefix = options.prefix ?? 'hookhub_';
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix });
  let dlqSource: (() => Promise<number> | number) | undefined;
  let lastDlqDepth = 0;
  let unconfirmedSource: (() => number) | undefined;
  new Gauge({
    name: `${prefix}bus_unconfirmed_seconds`,
    help: 'How long the bus has been unable to confirm that writes are durable (a stuck WAL sync); 0 when it can.',
    registers: [registry],
    collect() {
      this.set((unconfirmedSource?.() ?? 0) / 1000);
    },
  });
  const dlqDepth = new Gauge({
    name: `${prefix}dlq_depth`,
    help: 'Jobs in the dead-letter store.',
    registers: [registry],
    async collect() {
      // While the store is unavailable keep the last value: one failing source must not fail the scrape.
      if (!dlqSource) return;
      lastDlqDepth = await Promise.resolve(dlqSource()).catch(() => lastDlqDepth);
      this.set(lastDlqDepth);
    },
  });
  return {
    registry,
    ingress: new Counter({
      name: `${prefix}ingress_requests_total`,
      help: 'Webhook requests by connector and status.',
      labelNames: ['connector', 'status'],
      registers: [registry],
    }),
    ingressDroppedItems: new Counter({
      name: `${prefix}ingress_dropped_items_total`,
      help: 'Unusable items of verified webhook batches, dropped while the rest was stored.',
      labelNames: ['connector'],
      registers: [registry],
    }),
    ruleMatches: new Counter({
      name: `${prefix}rule_matches_total`,
      help: 'Events matched, by rule.',
      labelNames: ['rule'],
      registers: [registry],
    }),
    deliveries: new Counter({
      name: `${prefix}deliveries_total`,
      help: 'Delivery outcomes by action, channel and outcome.',
      labelNames: ['action', 'channel', 'outcome'],
      registers: [registry],
    }),
    deliveryWarnings: new Counter({
      name: `${prefix}delivery_warnings_total`,
      help: 'Jobs delivered with a warning (e.g. email recipients refused), by action and channel.',
      labelNames: ['action', 'channel'],
      registers: [registry],
    }),
    attemptLatency: new Histogram({
      name: `${prefix}delivery_attempt_duration_seconds`,
      help: 'Delivery attempt latency in seconds.',
      labelNames: ['action', 'channel', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
      registers: [registry],
    }),
    dlqDepth,
    metaEvents: new Counter({
      name: `${prefix}meta_events_total`,
      help: 'Meta-events by type and outcome.',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    }),
    busReconnects: new Counter({
      name: `${prefix}bus_reconnects_total`,
      help: 'Times the connection to NATS came back after it was lost.',
      registers: [registry],
    }),
    busReopens: new Counter({
      name: `${prefix}bus_reopens_total`,
      help: 'Times NATS closed the connection for good and the hub opened a new one.',
      registers: [registry],
    }),
    consumerErrors: new Counter({
      name: `${prefix}consumer_errors_total`,
      help: 'Consumer and background loop failures, by consumer and reason.',
      labelNames: ['consumer', 'reason'],
      registers: [registry],
    }),
    consumerPending: new Gauge({
      name: `${prefix}consumer_pending_messages`,
      help: 'Messages a consumer has to handle now.',
      labelNames: ['consumer'],
      registers: [registry],
    }),
    consumerOldestPending: new Gauge({
      name: `${prefix}consumer_oldest_pending_seconds`,
      help: 'Age of the oldest message a consumer has to handle now.',
      labelNames: ['consumer'],
      registers: [registry],
    }),
    consumerSinceProgress: new Gauge({
      name: `${prefix}consumer_seconds_since_progress`,
      help: 'Seconds since the consumer last settled a message, or the background loop last finished a pass.',
      labelNames: ['consumer'],
      registers: [registry],
    }),
    trackDlqDepth(source) {
      dlqSource = source;
    },
    trackBusUnconfirmed(source) {
      unconfirmedSource = source;
    },
  };
}
