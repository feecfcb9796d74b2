/**
 * The embedded bus's durable consumers: subscriptions (subscription.ts) that lease their messages
 * in the lease table (lease-store.ts) and settle them there, woken at once by a publish in this process.
 */
import type { StreamName } from '../bus-message.ts';
import { DEFAULT_ACK_WAIT_MS, type ConsumeOptions, type Subscription } from '../bus-subscription.ts';
import { createDelivery, type LeaseActions } from './delivery.ts';
import type { WriteOptions } from './group-commit.ts';
import type { ConsumerRef, LeaseStore } from './lease-store.ts';
import { createNotifier, type Notifier } from './notifier.ts';
import type { StoreAccess } from './store-access.ts';
import { createSubscription } from './subscription.ts';

/** Leases, acks and naks: lost to a power cut, they only mean a redelivery (see WriteOptions.durable). */
const BOOKKEEPING: WriteOptions = { durable: false };

export interface EmbeddedConsumers {
  /** A subscription of the durable consumer `ref.consumer` to `ref.stream`; throws once the bus is closed. */
  subscribe<T>(ref: ConsumerRef, options: ConsumeOptions): Subscription<T>;
  /** Wakes the idle subscriptions to `stream` (after a publish). */
  notify(stream: StreamName): void;
  /** Stops every subscription still running. */
  stopAll(): Promise<unknown>;
}

/** What the embedded bus lends its consumers. */
export interface ConsumerDeps {
  access: StoreAccess;
  leases: LeaseStore;
  pollMs: number;
  nowMs(): number;
}

interface ConsumerContext extends ConsumerDeps {
  notifier: Notifier;
  subscriptions: Set<Subscription<unknown>>;
}

export function createEmbeddedConsumers(deps: ConsumerDeps): EmbeddedConsumers {
  const ctx: ConsumerContext = { ...deps, notifier: createNotifier(), subscriptions: new Set() };
  return {
    subscribe: <T>(ref: ConsumerRef, options: ConsumeOptions): Subscription<T> => {
      if (deps.access.isClosed()) throw new Error('embedded bus is closed');
      const subscription = subscribeConsumer<T>(ctx, ref, options);
      ctx.subscriptions.add(subscription);
      return subscription;
    },
    notify: (stream) => ctx.notifier.notify(stream),
    stopAll: () => Promise.all([...ctx.subscriptions].map((s) => s.stop())),
  };
}

function subscribeConsumer<T>(ctx: ConsumerContext, ref: ConsumerRef, options: ConsumeOptions): Subscription<T> {
  const { access, leases } = ctx;
  const ackWaitMs = options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
  const actions = leaseActions(ctx, ref);
  const subscription = createSubscription<T>(
    {
      lease: async (max, tracker) => {
        const leased = await access.write(() => leases.lease(ref, max, ctx.nowMs(), ackWaitMs, options.wants), BOOKKEEPING);
        const deliveries = leased.rows.map((row) => createDelivery<T>(row, actions, ackWaitMs, tracker));
        return { deliveries, skipped: leased.skipped, more: leased.more };
      },
      hasWork: () => !access.isClosed() && leases.hasWork(ref, ctx.nowMs()),
      listen: (wake) => ctx.notifier.listen(ref.stream, wake),
      now: () => ctx.nowMs(),
      stopped: () => ctx.subscriptions.delete(subscription),
      pending: () => access.read(() => leases.pending(ref, ctx.nowMs())),
    },
    {
      batch: options.batch ?? 64,
      ackWaitMs,
      pollMs: ctx.pollMs,
      failurePauseMs: 250,
      ...(options.onError ? { onError: options.onError } : {}),
      ...(options.onSkipped ? { onSkipped: options.onSkipped } : {}),
    },
  );
  return subscription;
}

function leaseActions(ctx: ConsumerContext, ref: ConsumerRef): LeaseActions {
  return {
    finish: (seq) => ctx.access.write(() => ctx.leases.finish(ref, seq), BOOKKEEPING),
    postpone: async (seq, count, delayMs) => {
      await ctx.access.write(() => ctx.leases.postpone(ref, seq, count, ctx.nowMs() + delayMs), BOOKKEEPING);
      ctx.notifier.notify(ref.stream);
    },
  };
}
