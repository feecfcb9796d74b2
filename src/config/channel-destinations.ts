import type { Logger } from 'pino';
import { compileNetworkPolicy } from '../actions/runtime/ssrf/network-policy.ts';
import { refusalHint, refusalWithoutDns, type Refusal } from '../actions/runtime/ssrf/refusal.ts';
import type { HubConfig } from './load-config.ts';

export interface RefusedChannel {
  /** The setting, `channels.<name>.url` or `channels.<name>.smtp.host`. */
  where: string;
  refusal: Refusal;
}

/**
 * Channels whose destination the SSRF guard will refuse at delivery, as far as it can tell without DNS
 * (an IP address, `localhost`, a metadata name), judged against hookhub.yaml's `delivery`: every
 * message to them would be dead-lettered. The values are the environment's, as the hub runs with them.
 */
export function findRefusedChannels(config: Pick<HubConfig, 'channels' | 'delivery'>): RefusedChannel[] {
  const policy = compileNetworkPolicy({ allowPrivateNetworks: config.delivery.allowPrivateNetworks, allow: config.delivery.allowlist });
  const refused: RefusedChannel[] = [];
  for (const [name, channel] of Object.entries(config.channels)) {
    const destination = destinationOf(name, channel);
    const refusal = destination && refusalWithoutDns(policy, destination.host);
    if (destination && refusal) refused.push({ where: destination.where, refusal });
  }
  return refused;
}

/** Warns at start about each channel the guard will refuse; the hub still starts (the rules may not use it yet). */
export function warnRefusedChannels(config: Pick<HubConfig, 'channels' | 'delivery'>, logger: Logger): void {
  for (const { where, refusal } of findRefusedChannels(config)) {
    logger.warn(
      { setting: where },
      `${where}: the SSRF guard will refuse this channel at delivery: ${refusal.problem}${refusalHint(refusal)}`,
    );
  }
}

function destinationOf(name: string, channel: HubConfig['channels'][string]): { where: string; host: string } | undefined {
  if ('smtp' in channel) return { where: `channels.${name}.smtp.host`, host: channel.smtp.host };
  if (!('url' in channel) || typeof channel.url !== 'string') return undefined;
  try {
    const { protocol, hostname } = new URL(channel.url);
    return protocol === 'http:' || protocol === 'https:' ? { where: `channels.${name}.url`, host: hostname } : undefined;
  } catch {
    return undefined;
  }
}
