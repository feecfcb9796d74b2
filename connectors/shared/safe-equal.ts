import { timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality for signatures and tokens; never throws on a length mismatch.
 *
 * When the lengths differ, `a` is compared with itself and the answer is false: every call costs one
 * comparison of `a`'s length, so the time does not depend on where `b` differs or on how long it is.
 * (Hashing both sides first costs two hash objects per call, about 6 µs, on every webhook.)
 */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const bytesA = typeof a === 'string' ? Buffer.from(a) : a;
  const bytesB = typeof b === 'string' ? Buffer.from(b) : b;
  const sameLength = bytesA.length === bytesB.length;
  return timingSafeEqual(bytesA, sameLength ? bytesB : bytesA) && sameLength;
}

/** True when any of `received` equals any of `expected`, each comparison constant-time. */
export function safeEqualAny(expected: readonly string[], received: readonly string[]): boolean {
  return firstSafeMatch(expected, received) !== undefined;
}

/** The first of `expected` that equals one of `received`, or undefined; each comparison constant-time. */
export function firstSafeMatch(expected: readonly string[], received: readonly string[]): string | undefined {
  let found: string | undefined;
  // No early exit: every pair is compared, so the timing does not tell which secret matched.
  for (const e of expected) {
    for (const r of received) {
      if (safeEqual(e, r)) found ??= e;
    }
  }
  return found;
}
