import type { Logger } from 'pino';
import { compileNetworkPolicy, deliveryNetworkPolicy } from '../actions/runtime/ssrf/network-policy.ts';
import { refusalHint, refusalWithoutDns, urlRefusalWithoutDns, type Refusal } from '../actions/runtime/ssrf/refusal.ts';
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
  const policy = compileNetworkPolicy(deliveryNetworkPolicy(config.delivery));
  const refused: RefusedChannel[] = [];
  for (const [name, channel] of Object.entries(config.channels)) {
    if ('smtp' in channel) {
      const refusal = refusalWithoutDns(policy, channel.smtp.host);
      if (refusal) refused.push({ where: `channels.${name}.smtp.host`, refusal });
    } else if ('url' in channel && typeof channel.url === 'string') {
      const refusal = urlRefusalWithoutDns(policy, channel.url);
      if (refusal) refused.push({ where: `channels.${name}.url`, refusal });
    }
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
