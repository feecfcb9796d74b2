import { createHash } from 'node:crypto';
import { scopedEventId } from './event-id.ts';

/**
 * A deterministic event id for deliveries that carry none: the SHA-256 of the raw body, scoped by the
 * connector instance that received it. Identical bodies at one connector get the same id, so dedup still
 * catches exact redeliveries; the same body at another connector (two senders both posting
 * `{"status":"down"}`) is another event.
 */
export function bodyDigestId(connector: string, body: Buffer): string {
  return scopedEventId(connector, `sha256-${createHash('sha256').update(body).digest('hex')}`);
}
