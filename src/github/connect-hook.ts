import { hookDeliveriesPath, lastDelivery } from './deliveries-api.ts';
import { createHook, deleteHook, listHooks, updateHook, type GithubHook } from './hooks-api.ts';
import type { GithubClient } from './github-client.ts';
import { targetLabel, type HookTarget } from './hook-target.ts';
import { hooksAtUrl, planHook, type DesiredHook, type HookPlan } from './plan-hook.ts';

export interface ConnectResult {
  target: string;
  action: 'created' | 'updated' | 'unchanged';
  hookId?: number;
  /** What differed, for `updated`. */
  changes: string[];
  /** Extra hookhub hooks at the same URL that were deleted (or would be, on a dry run). */
  removedDuplicates: number[];
  /** Hooks at the hub's URL that hookhub did not create: left alone. */
  foreignDuplicates: number[];
  dryRun: boolean;
}

export interface DisconnectResult {
  target: string;
  removed: number[];
  dryRun: boolean;
}

/**
 * Makes sure exactly one hook on `target` points at the hub with the desired secret and events:
 * creates, updates or leaves it. Idempotent; hooks at other URLs are untouched. A 422 "Hook already
 * exists" (another hub process created it between our list and create) is resolved by planning again.
 */
export async function connectHook(client: GithubClient, target: HookTarget, desired: DesiredHook, dryRun = false): Promise<ConnectResult> {
  const plan = await checkDeliveries(client, target, planHook(await listHooks(client, target), desired));
  if (dryRun) return resultOf(target, plan, plan.action === 'create' ? undefined : plan.hook, true);
  for (const extra of plan.duplicates.remove) await deleteHook(client, target, extra.id);
  if (plan.action === 'unchanged') return resultOf(target, plan, plan.hook, false);
  const settings = { url: desired.markedUrl, secret: desired.secret, events: desired.events };
  if (plan.action === 'update') return resultOf(target, plan, await updateHook(client, target, plan.hook.id, settings), false);
  try {
    return resultOf(target, plan, await createHook(client, target, settings), false);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const again = planHook(await listHooks(client, target), desired);
    if (again.action === 'create') throw err;
    if (again.action === 'update') await updateHook(client, target, again.hook.id, settings);
    return resultOf(target, again, again.hook, false);
  }
}

/**
 * GitHub does not show a hook's secret, so a secret changed by hand in GitHub's settings (marker untouched)
 * is only visible in its effect: the hub refusing the latest delivery with 401. Then the secret is set again.
 */
async function checkDeliveries(client: GithubClient, target: HookTarget, plan: HookPlan): Promise<HookPlan> {
  if (plan.action !== 'unchanged') return plan;
  const last = await lastDelivery(client, hookDeliveriesPath(target, plan.hook.id));
  if (last?.status_code !== 401) return plan;
  return { ...plan, action: 'update', changes: ['secret set again (the hub answered 401 to the latest delivery)'] };
}

/** Deletes every hook on `target` that points at the hub's URL. Idempotent. */
export async function disconnectHook(client: GithubClient, target: HookTarget, url: string, dryRun = false): Promise<DisconnectResult> {
  const ours = hooksAtUrl(await listHooks(client, target), url);
  if (!dryRun) for (const hook of ours) await deleteHook(client, target, hook.id);
  return { target: targetLabel(target), removed: ours.map((h) => h.id), dryRun };
}

/** The hook on `target` that points at the hub, if any. */
export async function findHubHook(client: GithubClient, target: HookTarget, url: string): Promise<GithubHook | undefined> {
  return hooksAtUrl(await listHooks(client, target), url)[0];
}

function resultOf(target: HookTarget, plan: HookPlan, hook: GithubHook | undefined, dryRun: boolean): ConnectResult {
  const action = plan.action === 'create' ? 'created' : plan.action === 'update' ? 'updated' : 'unchanged';
  return {
    target: targetLabel(target),
    action,
    ...(hook ? { hookId: hook.id } : {}),
    changes: plan.action === 'update' ? plan.changes : [],
    removedDuplicates: plan.duplicates.remove.map((h) => h.id),
    foreignDuplicates: plan.duplicates.foreign.map((h) => h.id),
    dryRun,
  };
}

// https://docs.github.com/en/rest/repos/webhooks#create-a-repository-webhook (422: "Hook already exists on this repository")
function isAlreadyExists(err: unknown): boolean {
  const e = err as { status?: number; response?: { data?: { errors?: { message?: string }[] } } };
  return e.status === 422 && (e.response?.data?.errors ?? []).some((x) => /already exists/i.test(x.message ?? ''));
}
