import { createHmac } from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type DigestEncoding = 'hex' | 'base64' | 'base64url';

/**
 * HMAC of `data` under `key`. Pass the signed content as parts (e.g. `[`${t}.`, rawBody]`)
 * so raw body bytes are hashed as they are, never decoded and re-encoded.
 */
export function hmac(
  algorithm: HmacAlgorithm,
  key: string | Buffer,
  data: string | Buffer | readonly (string | Buffer)[],
  encoding: DigestEncoding,
): string {
  const mac = createHmac(algorithm, key);
  const parts = typeof data === 'string' || Buffer.isBuffer(data) ? [data] : data;
  for (const part of parts) mac.update(part);
  return mac.digest(encoding);
}
