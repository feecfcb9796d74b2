import type { Logger } from 'pino';
import { createBus } from './bus/create-bus.ts';
import type { EventBus } from './bus/event-bus.ts';
import type { HubConfig } from './config/load-config.ts';
import { createConnectorInstances } from './ingress/connector-instances.ts';
import { IngressServer } from './ingress/ingress-server.ts';

export interface HubOptions {
  config: HubConfig;
  logger: Logger;
  now?: () => Date;
  /** Use this bus instead of opening the configured one (tests). */
  bus?: EventBus;
}

export interface RunningHub {
  port: number;
  bus: EventBus;
  stop(): Promise<void>;
}

/** Starts every part of the hub: bus, ingress. Stop order is the reverse of start order. */
export async function startHub(options: HubOptions): Promise<RunningHub> {
  const { config, logger } = options;
  const now = options.now ?? (() => new Date());
  const bus = options.bus ?? (await createBus(config.bus, now));
  const ingress = new IngressServer({
    connectors: createConnectorInstances(config.connectors),
    bus,
    bodyLimit: config.server.bodyLimit,
    logger,
    now,
  });
  const port = await ingress.listen(config.server.port, config.server.host);
  return {
    port,
    bus,
    async stop() {
      await ingress.close();
      if (!options.bus) await bus.close();
    },
  };
}
