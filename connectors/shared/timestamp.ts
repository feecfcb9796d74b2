import { z } from 'zod';
import { VerificationError } from '../../src/errors.ts';

/** `tolerance` in seconds for signed timestamps; providers default to 5 minutes. */
export const ToleranceSchema = z.number().int().positive().max(86_400).default(300);

/** Parses a Unix-seconds header value strictly (digits only), or throws VerificationError. */
export function parseUnixSeconds(value: string, headerName: string): number {
  if (!/^\d{1,12}$/.test(value)) {
    throw new VerificationError(`malformed ${headerName} header (expected Unix seconds)`, { kind: 'malformed' });
  }
  return Number(value);
}

/**
 * Rejects a signed timestamp older than `toleranceSec`, or more than `futureToleranceSec`
 * ahead of `now`: a signature that only becomes valid later could be replayed for longer.
 */
export function assertFresh(tsSeconds: number, now: Date, toleranceSec: number, futureToleranceSec: number = toleranceSec): void {
  const skew = Math.floor(now.getTime() / 1000) - tsSeconds;
  if (skew > toleranceSec) {
    throw new VerificationError(`timestamp is ${skew} s old (tolerance ${toleranceSec} s): a replay, or a clock that is off`, {
      kind: 'stale',
      skewSec: skew,
      toleranceSec,
    });
  }
  if (-skew > futureToleranceSec) {
    throw new VerificationError(`timestamp is ${-skew} s in the future (tolerance ${futureToleranceSec} s): a clock that is off`, {
      kind: 'stale',
      skewSec: skew,
      toleranceSec: futureToleranceSec,
    });
  }
}
