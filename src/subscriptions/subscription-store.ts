import { createHash } from 'node:crypto';
import type { BusKv } from '../bus/event-bus.ts';
import { updateKv } from '../bus/kv.ts';
import type { ChatChannel, Subscription } from './subscription.ts';
import { targetKey, type Target } from './targets.ts';

export const SUBSCRIPTIONS_BUCKET = 'subscriptions';

export interface SubscriptionStore {
  get(id: string): Promise<Subscription | undefined>;
  list(): Promise<Subscription[]>;
  /** The subscriptions of one chat channel, by target. */
  inChannel(channel: ChatChannel): Promise<Subscription[]>;
  put(subscription: Subscription): Promise<void>;
  /** Read-modify-write that is safe when two processes change the same subscription at once. */
  update(id: string, change: (current: Subscription | undefined) => Subscription | undefined): Promise<Subscription | undefined>;
  delete(id: string): Promise<void>;
}

/** Subscriptions in the bus kv bucket `subscriptions`: SQLite on the embedded bus, a KV bucket on NATS. */
export function createSubscriptionStore(bus: BusKv): SubscriptionStore {
  const kv = bus.kv(SUBSCRIPTIONS_BUCKET);
  const list = async () => (await kv.entries<Subscription>()).map((e) => e.value);
  return {
    async get(id) {
      return (await kv.get<Subscription>(id))?.value;
    },
    list,
    async inChannel(channel) {
      const key = channelKey(channel);
      return (await list())
        .filter((s) => channelKey(s.channel) === key)
        .sort((a, b) => targetKey(a.target).localeCompare(targetKey(b.target)));
    },
    async put(subscription) {
      await kv.put(subscription.id, subscription);
    },
    update(id, change) {
      return updateKv<Subscription>(kv, id, change);
    },
    async delete(id) {
      await kv.delete(id);
    },
  };
}

/** One chat channel across platforms and workspaces. Also the mute scope for `mute all`. */
export function channelKey(channel: ChatChannel): string {
  return `chat:${channel.platform}|${channel.connector}|${channel.team ?? ''}|${channel.id}`;
}

/** Stable per (channel, target): subscribing again updates the same subscription. */
export function subscriptionId(channel: ChatChannel, target: Target): string {
  return createHash('sha256')
    .update(`${channelKey(channel)}|${targetKey(target)}`)
    .digest('hex')
    .slice(0, 12);
}
