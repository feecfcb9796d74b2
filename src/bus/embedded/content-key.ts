import { createHash } from 'node:crypto';

/**
 * How the embedded store keeps a content key (BusMessage.contentKey): the first 16 bytes of its SHA-256.
 * A key is about 75 characters of text (connector, body hash, index); every new event of a provider that
 * signs only the body inserts one into a random place of an index, and the compact form makes that
 * insert about a fifth cheaper. 128 bits keep collisions out of reach for any dedup horizon.
 */
export function compactContentKey(key: string): Buffer {
  return createHash('sha256').update(key).digest().subarray(0, 16);
}
