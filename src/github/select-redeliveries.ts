import type { HookDelivery } from './deliveries-api.ts';

export interface RedeliverySelection {
  /** One attempt per failed GUID, to redeliver (if the hub does not have the event). */
  failed: HookDelivery[];
  /** Failed GUIDs already redelivered `maxRedeliveries` times: left alone, reported. */
  gaveUp: HookDelivery[];
}

const ok = (d: HookDelivery): boolean => d.status_code >= 200 && d.status_code < 300;

/**
 * Groups attempts by GUID (a redelivery keeps the GUID) and keeps the GUIDs with no successful attempt.
 * A GUID that has failed `maxRedeliveries` redeliveries already is probably refused for good
 * (a secret mismatch, a body over the limit), so asking again every cycle would only hammer.
 */
export function selectRedeliveries(deliveries: readonly HookDelivery[], maxRedeliveries: number): RedeliverySelection {
  const byGuid = new Map<string, HookDelivery[]>();
  for (const d of deliveries) byGuid.set(d.guid, [...(byGuid.get(d.guid) ?? []), d]);
  const failed: HookDelivery[] = [];
  const gaveUp: HookDelivery[] = [];
  for (const attempts of byGuid.values()) {
    if (attempts.some(ok)) continue;
    const newest = attempts.reduce((a, b) => (a.delivered_at >= b.delivered_at ? a : b));
    const redeliveries = attempts.filter((a) => a.redelivery).length;
    (redeliveries >= maxRedeliveries ? gaveUp : failed).push(newest);
  }
  // Oldest first, so events reach the hub in roughly their original order.
  const byTime = (a: HookDelivery, b: HookDelivery) => a.delivered_at.localeCompare(b.delivered_at);
  return { failed: failed.sort(byTime), gaveUp: gaveUp.sort(byTime) };
}
