import type { BusConfig } from '../config/config-schema.ts';
import { createEmbeddedBus } from './embedded/embedded-bus.ts';
import type { EventBus } from './event-bus.ts';
import { createNatsBus } from './nats/nats-bus.ts';

/** Opens the configured backend. Both implement the same EventBus contract. */
export function createBus(config: BusConfig, now?: () => Date): Promise<EventBus> {
  if (config.type === 'nats') return createNatsBus({ url: config.url, retentionMs: config.retention, ...(now ? { now } : {}) });
  return createEmbeddedBus({ path: config.path, retentionMs: config.retention, ...(now ? { now } : {}) });
}

export function describeBus(config: BusConfig): string {
  return config.type === 'nats' ? `nats (${config.url})` : `embedded (${config.path})`;
}
