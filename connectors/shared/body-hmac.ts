import { hmac, type DigestEncoding, type HmacAlgorithm } from './hmac.ts';
import { firstSafeMatch } from './safe-equal.ts';

export interface HmacMatch {
  algorithm: HmacAlgorithm;
  encoding: DigestEncoding;
  /** Every accepted secret (rotation): all are tried. */
  secrets: readonly string[];
  /** The signed content: the raw body, or parts such as `[`${t}.`, rawBody]`. */
  content: string | Buffer | readonly (string | Buffer)[];
  /** The signatures the sender presented (already stripped of prefixes like `sha256=`). */
  received: readonly string[];
}

/**
 * True when one of `received` is the HMAC of `content` under one of `secrets`.
 * Every pair is compared in constant time, with no early exit. Hex is compared case-insensitively
 * (some senders upper-case it); base64 is compared exactly.
 */
export function matchesAnyHmac(match: HmacMatch): boolean {
  return matchingHmac(match) !== undefined;
}

/**
 * Like matchesAnyHmac, but answers with the HMAC that matched, in `encoding` (hex in lower case), or undefined.
 * For a signature over the body alone, that is a digest of the body the hub can dedup on without hashing it again.
 */
export function matchingHmac(match: HmacMatch): string | undefined {
  const expected = match.secrets.map((secret) => hmac(match.algorithm, secret, match.content, match.encoding));
  const received = match.encoding === 'hex' ? match.received.map((value) => value.toLowerCase()) : match.received;
  return firstSafeMatch(expected, received);
}
