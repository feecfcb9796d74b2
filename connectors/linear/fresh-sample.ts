import { parseJsonObject } from '../shared/json-body.ts';

/**
 * A copy of a Linear sample body with `webhookTimestamp` set to `now`, so that `hookhub trigger` and
 * tests can send a bundled fixture that passes the one-minute freshness check.
 * (The timestamp is inside the signed body, so `sign()` alone cannot make an old sample fresh.)
 */
export function refreshLinearSample(body: Buffer, now: Date): Buffer {
  const payload = parseJsonObject(body);
  return Buffer.from(JSON.stringify({ ...payload, webhookTimestamp: now.getTime() }), 'utf8');
}
