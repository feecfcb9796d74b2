import { createHash } from 'node:crypto';

/**
 * A deterministic event id for deliveries that carry none: the SHA-256 of the raw body.
 * Identical bodies get the same id, so dedup still catches exact redeliveries.
 */
export function bodyDigestId(body: Buffer): string {
  return `sha256-${createHash('sha256').update(body).digest('hex')}`;
}
