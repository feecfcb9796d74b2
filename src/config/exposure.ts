import { isIP } from 'node:net';
import { ConfigError } from '../errors.ts';
import type { HubConfig } from './load-config.ts';

/** Whether a listen address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * A hub that other machines can reach must not accept webhooks signed with the secrets that ship in
 * the example config: anyone can read them. Loopback keeps `npm start` working on a fresh machine.
 */
export function checkExposure(config: Pick<HubConfig, 'server' | 'developmentDefaults'>): void {
  if (isLoopback(config.server.host) || config.developmentDefaults.length === 0) return;
  const lines = config.developmentDefaults.map((d) => `  ${d.where} is the development default from the config file: set ${d.variable}`);
  const variables = [...new Set(config.developmentDefaults.map((d) => d.variable))].join(', ');
  throw new ConfigError(
    `refusing to listen on ${config.server.host} with development secrets (anyone can sign webhooks with them):\n${lines.join('\n')}\n` +
      `Set ${variables} to the real signing secrets, the ones set at each provider (a secret you choose, as for GitHub, e.g. openssl rand -hex 32; Stripe and Standard Webhooks senders show theirs, whsec_…), or keep server.host at 127.0.0.1.`,
  );
}
