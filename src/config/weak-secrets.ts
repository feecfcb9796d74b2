import type { Logger } from 'pino';
import { findConnector } from '../../connectors/index.ts';
import { stringsIn, valueAt } from '../operations/config-secrets.ts';
import type { HubConfig } from './load-config.ts';

/** Below this many characters (or key bytes), one signed webhook is enough to guess a secret offline. */
export const MIN_SECRET_LENGTH = 16;

/** Standard Webhooks secrets: `whsec_` then the base64 of the key, so the key is what gets measured. */
const WHSEC_PREFIX = 'whsec_';

export interface WeakSecret {
  /** The setting, `connectors.<name>.<field>`. */
  where: string;
  length: number;
  unit: 'characters' | 'bytes';
  /** 1-based position in a rotation list, and how many are listed; absent when one secret is set. */
  entry?: { index: number; count: number };
}

/**
 * Each connector secret a sender proves on every delivery (Connector.deliverySecretFields) that is too short.
 * Development defaults are left to checkExposure, which refuses them off loopback.
 */
export function findWeakSecrets(config: Pick<HubConfig, 'connectors' | 'developmentDefaults'>): WeakSecret[] {
  const defaulted = new Set(config.developmentDefaults.map((d) => d.where));
  const weak: WeakSecret[] = [];
  for (const [name, block] of Object.entries(config.connectors)) {
    const connector = findConnector(block.type);
    for (const field of connector?.deliverySecretFields ?? connector?.secretFields ?? []) {
      const where = `connectors.${name}.${field}`;
      if (defaulted.has(where)) continue;
      // A rotation list (each connector's schema reads even a single secret as a list of one).
      const values = stringsIn(valueAt(block, field));
      values.forEach((value, index) => {
        const measured = measure(value);
        if (value.length === 0 || measured.length >= MIN_SECRET_LENGTH) return;
        weak.push({ where, ...measured, ...(values.length > 1 ? { entry: { index: index + 1, count: values.length } } : {}) });
      });
    }
  }
  return weak;
}

function measure(secret: string): Pick<WeakSecret, 'length' | 'unit'> {
  if (!secret.startsWith(WHSEC_PREFIX)) return { length: secret.length, unit: 'characters' };
  return { length: Buffer.from(secret.slice(WHSEC_PREFIX.length), 'base64').length, unit: 'bytes' };
}

/** What the log says of one weak secret: the setting, its length and the fix, never the value. */
export function describeWeakSecret(weak: WeakSecret): string {
  const which = weak.entry ? ` (entry ${weak.entry.index} of ${weak.entry.count})` : '';
  const size = weak.unit === 'bytes' ? `a whsec_ secret of ${weak.length} key bytes` : `${weak.length} characters long`;
  const fix =
    weak.unit === 'bytes'
      ? 'use a whsec_ secret of at least 24 random bytes: the one the sender generates, or whsec_ followed by openssl rand -base64 32, set the same at the sender'
      : 'use at least 32 random characters (openssl rand -hex 32), and set the same secret at the provider';
  return (
    `${weak.where}${which} is ${size}: anyone holding one signed webhook can guess a secret this short offline, then forge webhooks. ` +
    `Replace it: ${fix}, then restart the hub`
  );
}

/** Warns at start about each weak connector secret. It does not refuse: a deployment that ran before an upgrade keeps running. */
export function warnWeakSecrets(config: Pick<HubConfig, 'connectors' | 'developmentDefaults'>, logger: Logger): void {
  for (const weak of findWeakSecrets(config)) {
    logger.warn({ setting: weak.where, length: weak.length, unit: weak.unit }, describeWeakSecret(weak));
  }
}
