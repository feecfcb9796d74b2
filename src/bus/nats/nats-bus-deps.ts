import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { StreamName } from '../bus-message.ts';
import type { ClaimVerdicts } from './nats-claims.ts';
import type { ConsumerFloors } from './nats-consumer-floors.ts';
import type { ConnectionState } from './nats-connection.ts';
import type { Cork } from './nats-cork.ts';
import type { NatsNames } from './nats-names.ts';
import type { PublishDeps } from './nats-publish.ts';
import type { NatsStores } from './nats-setup.ts';
import type { SubscriptionDeps } from './nats-subscription.ts';

/** What a NatsBus holds and hands on to the nats-* modules it maps its contract methods onto. */
export interface NatsBusParts {
  connection: ConnectionState;
  js: JetStreamClient;
  jsm: JetStreamManager;
  stores: NatsStores;
  names: NatsNames;
  timeoutMs: number;
  cork: Cork;
  verdicts: ClaimVerdicts;
  /** Whether a live subscription of this bus reads `stream`. */
  consumedHere(stream: StreamName): boolean;
  lostDeliveryMs: number | undefined;
  /** Where subscriptions save their consumers' ack floors (nats-consumer-floors.ts). */
  floors: ConsumerFloors;
}

/** The deps of the reads, history records and counts: a new object on each call. */
export function natsReadDeps(parts: NatsBusParts) {
  const { content, legacy } = parts.stores;
  return {
    js: parts.js,
    jsm: parts.jsm,
    content,
    legacy,
    names: parts.names,
    timeoutMs: parts.timeoutMs,
    cork: parts.cork,
    verdicts: parts.verdicts,
  };
}

/** The deps of publish (nats-publish.ts): the read deps, plus the connection's health and limit. */
export function natsPublishDeps(parts: NatsBusParts): PublishDeps {
  return {
    ...natsReadDeps(parts),
    problem: () => parts.connection.problem(),
    maxPayload: () => parts.connection.nc.info?.max_payload ?? Number.POSITIVE_INFINITY,
    cork: parts.cork,
    consumedHere: (name: StreamName) => parts.consumedHere(name),
  };
}

/** The deps of one subscription (nats-subscription.ts); `isStored` looks in the stream it reads. */
export function natsSubscriptionDeps(parts: NatsBusParts, isStored: (id: string) => Promise<boolean>): SubscriptionDeps {
  return {
    js: parts.js,
    jsm: parts.jsm,
    cork: parts.cork,
    content: parts.stores.content,
    verdicts: parts.verdicts,
    isStored,
    floors: parts.floors,
    ...(parts.lostDeliveryMs === undefined ? {} : { lostDeliveryMs: parts.lostDeliveryMs }),
  };
}
