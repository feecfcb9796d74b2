import { describeApiError } from './api-error.ts';
import { APP_HOOK_DELIVERIES, hookDeliveriesPath, listDeliveries, redeliver, type HookDelivery } from './deliveries-api.ts';
import { scanDeliveries, type DeliveryScan, type DeliveryScans } from './delivery-scan.ts';
import type { GithubClient } from './github-client.ts';
import { targetLabel, type HookTarget } from './hook-target.ts';
import { selectRedeliveries } from './select-redeliveries.ts';

export interface ReconcileOptions {
  since: Date;
  maxRedeliveries: number;
  /** Whether the hub already stored this delivery (the GitHub connector uses the GUID as the event id). */
  isKnown: (guid: string) => Promise<boolean>;
  dryRun?: boolean;
  /** The sync's memory of earlier passes: with it, a pass lists only the newest attempts (delivery-scan.ts). */
  incremental?: { scans: DeliveryScans; now: () => Date };
  /** Once aborted, no further redelivery is asked for (the sync lost its lease or stops). */
  signal?: AbortSignal;
}

export interface ReconcileResult {
  /** `owner/repo`, an org, or `app` (the GitHub App's own webhook). */
  target: string;
  /** Absent for the App webhook. */
  hookId?: number;
  /** Delivery attempts listed in the window. */
  scanned: number;
  /** Failed on GitHub's side, but the hub has the event (e.g. it answered after GitHub's 10 s timeout). */
  alreadyInHub: string[];
  /** Redelivery requested (or, on a dry run, would be). */
  redelivered: HookDelivery[];
  /** Failed too often: not asked again. */
  gaveUp: HookDelivery[];
  /** Redelivery requests GitHub refused. */
  errors: { guid: string; message: string }[];
  dryRun: boolean;
}

/**
 * Recovers deliveries GitHub never retried: lists the hook's deliveries since `since`, keeps the failed
 * GUIDs the hub has not stored, and asks GitHub to redeliver each once. Safe to repeat: a redelivery
 * keeps its `X-GitHub-Delivery`, so the bus dedups, and a recovered GUID then has a successful attempt.
 * https://docs.github.com/en/webhooks/using-webhooks/handling-failed-webhook-deliveries
 */
export function reconcileHook(
  client: GithubClient,
  target: HookTarget,
  hookId: number,
  options: ReconcileOptions,
): Promise<ReconcileResult> {
  return reconcileDeliveries(client, { target: targetLabel(target), hookId }, hookDeliveriesPath(target, hookId), options);
}

/** The same for the GitHub App's own webhook (App auth only). */
export function reconcileAppHook(client: GithubClient, options: ReconcileOptions): Promise<ReconcileResult> {
  return reconcileDeliveries(client, { target: 'app' }, APP_HOOK_DELIVERIES, options);
}

async function reconcileDeliveries(
  client: GithubClient,
  label: { target: string; hookId?: number },
  path: string,
  options: ReconcileOptions,
): Promise<ReconcileResult> {
  const { deliveries, commit } = await listOrScan(client, path, options);
  const { failed, gaveUp } = selectRedeliveries(deliveries, options.maxRedeliveries);
  const result: ReconcileResult = {
    ...label,
    scanned: deliveries.length,
    alreadyInHub: [],
    redelivered: [],
    gaveUp,
    errors: [],
    dryRun: options.dryRun ?? false,
  };
  for (const delivery of failed) {
    if (options.signal?.aborted) break;
    if (await options.isKnown(delivery.guid)) {
      result.alreadyInHub.push(delivery.guid);
      continue;
    }
    try {
      if (!options.dryRun) await redeliver(client, path, delivery.id);
      result.redelivered.push(delivery);
    } catch (err) {
      // With the fix GitHub's answer points at (the permission to grant), as for every other call.
      result.errors.push({ guid: delivery.guid, message: describeApiError(err) });
    }
  }
  // A refused redelivery fails the pass, and a pass stopped part-way is not complete: the next one lists the whole lookback again.
  if (result.errors.length === 0 && !options.signal?.aborted) commit();
  return result;
}

async function listOrScan(client: GithubClient, path: string, options: ReconcileOptions): Promise<DeliveryScan> {
  if (options.incremental) return scanDeliveries(client, path, { since: options.since, ...options.incremental });
  return { deliveries: await listDeliveries(client, path, options.since), commit: () => {} };
}
