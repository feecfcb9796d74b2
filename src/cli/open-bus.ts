import { createBus } from '../bus/create-bus.ts';
import type { EventBus } from '../bus/event-bus.ts';
import { readEnv } from '../config/env.ts';
import { loadConfig } from '../config/load-config.ts';
import { configPathOption } from './config-path.ts';

/** Opens the bus hookhub.yaml (or HOOKHUB_NATS_URL) points at, for commands that read or replay history. */
export async function openConfiguredBus(options: { config?: string } = {}): Promise<EventBus> {
  const env = readEnv();
  const config = await loadConfig(configPathOption(options.config, env), env);
  return createBus(config.bus);
}
