import type { HubEnv } from '../config/env.ts';

/** --config wins, then HOOKHUB_CONFIG, then ./hookhub.yaml. */
export function configPathOption(flag: string | undefined, env: HubEnv): string {
  return flag ?? env.configPath ?? 'hookhub.yaml';
}
