import type { Logger } from 'pino';
import type { BusStreams } from '../bus/event-bus.ts';
import { createMasker } from '../operations/event-view.ts';
import { maskedError } from '../operations/masked-error.ts';
import { describeApiError } from './api-error.ts';
import { connectHook, findHubHook, type ConnectResult } from './connect-hook.ts';
import type { DeliveryScans } from './delivery-scan.ts';
import type { GithubClient } from './github-client.ts';
import type { GithubMetrics } from './github-metrics.ts';
import type { GithubConnectorSettings } from './github-settings.ts';
import { targetLabel } from './hook-target.ts';
import type { DesiredHook } from './plan-hook.ts';
import { reconcileAppHook, reconcileHook, type ReconcileResult } from './reconcile-hook.ts';
import { ensureAppHook } from './app-hook.ts';

export interface SyncContext {
  settings: GithubConnectorSettings;
  client: GithubClient;
  desired: DesiredHook;
  bus: BusStreams;
  logger: Logger;
  /** What the hub knows to be secret: masked in what GitHub's answers put in the errors this logs and throws. */
  knownSecrets: () => readonly string[];
  metrics?: GithubMetrics;
  /** The sync's memory of its earlier passes, so that a pass lists only the newest deliveries; the CLI has none. */
  incremental?: { scans: DeliveryScans; now: () => Date };
  /** Aborted when the pass must stop before its next redelivery: another hub process took its lease, or the sync stops. */
  signal?: AbortSignal;
}

/**
 * Ensures every declared repo/org has the hub's hook. One target failing does not stop the others; once all
 * were tried, a TargetsFailedError says which failed, so the pass counts as failed.
 */
export async function ensureHooks(ctx: SyncContext): Promise<ConnectResult[]> {
  const results: ConnectResult[] = [];
  const failed = new Map<string, unknown>();
  const steps = ctx.settings.targets.map((t) => ({ label: targetLabel(t), run: () => connectHook(ctx.client, t, ctx.desired) }));
  if (ctx.settings.appWebhook) steps.push({ label: 'app', run: () => ensureAppHook(ctx.client, ctx.desired) });
  for (const step of steps) {
    try {
      const result = await step.run();
      results.push(result);
      logConnect(ctx, result);
    } catch (err) {
      failed.set(step.label, maskedError(err, ctx.knownSecrets()));
      ctx.logger.error({ connector: ctx.settings.name, target: step.label, err: described(ctx, err) }, 'GitHub hook setup failed');
    }
  }
  throwIfAny(failed, 'GitHub hook setup', ctx.settings.name);
  return results;
}

/** Redelivers the failed deliveries the hub does not have, for every declared repo/org; throws like ensureHooks. */
export async function reconcileTargets(ctx: SyncContext, since: Date, dryRun = false): Promise<ReconcileResult[]> {
  const results: ReconcileResult[] = [];
  const failed = new Map<string, unknown>();
  const { name } = ctx.settings;
  const isKnown = async (guid: string) => (await ctx.bus.get('events', guid)) !== undefined;
  const { maxRedeliveries } = ctx.settings.reconcile;
  const options = {
    since,
    isKnown,
    dryRun,
    maxRedeliveries,
    ...(ctx.incremental ? { incremental: ctx.incremental } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  };
  const steps = ctx.settings.targets.map((t) => ({
    label: targetLabel(t),
    run: async () => {
      const hook = await findHubHook(ctx.client, t, ctx.desired.url);
      return hook ? reconcileHook(ctx.client, t, hook.id, options) : undefined;
    },
  }));
  if (ctx.settings.appWebhook) steps.push({ label: 'app', run: () => reconcileAppHook(ctx.client, options) });
  for (const step of steps) {
    if (ctx.signal?.aborted) break;
    try {
      const result = await step.run();
      if (!result) continue;
      results.push(result);
      countRecovered(ctx, result);
      // Deliveries GitHub would not redeliver are still missing: the pass failed, for the probe and /readyz.
      if (result.errors.length > 0) failed.set(step.label, refusedRedeliveries(ctx, result));
    } catch (err) {
      failed.set(step.label, maskedError(err, ctx.knownSecrets()));
      ctx.logger.error({ connector: name, target: step.label, err: described(ctx, err) }, 'GitHub reconciliation failed');
    }
  }
  throwIfAny(failed, 'GitHub reconciliation', name);
  return results;
}

function refusedRedeliveries(ctx: SyncContext, result: ReconcileResult): Error {
  const asked = result.errors.length + result.redelivered.length;
  const first = createMasker(ctx.knownSecrets())(result.errors[0]?.message ?? '');
  return new Error(`GitHub refused ${result.errors.length} of ${asked} redelivery request(s) (${first})`);
}

/** GitHub's answer with the likely fix (which permission to grant, which setting is wrong), masked. */
function described(ctx: SyncContext, err: unknown): string {
  return createMasker(ctx.knownSecrets())(describeApiError(err));
}

/** Some targets of a pass failed (each one is logged where it failed). */
export class TargetsFailedError extends AggregateError {
  override name = 'TargetsFailedError';
}

function throwIfAny(failed: ReadonlyMap<string, unknown>, what: string, connector: string): void {
  if (failed.size > 0)
    throw new TargetsFailedError([...failed.values()], `${what} failed for ${[...failed.keys()].join(', ')} (connector ${connector})`);
}

function logConnect(ctx: SyncContext, result: ConnectResult): void {
  const { name } = ctx.settings;
  const log = { connector: name, target: result.target, hookId: result.hookId, changes: result.changes };
  if (result.action !== 'unchanged') ctx.metrics?.hookChanges.inc({ connector: name, action: result.action });
  for (const _ of result.removedDuplicates) ctx.metrics?.hookChanges.inc({ connector: name, action: 'removed_duplicate' });
  if (result.action === 'unchanged') ctx.logger.debug(log, 'GitHub hook up to date');
  else ctx.logger.info(log, `GitHub hook ${result.action}`);
  if (result.foreignDuplicates.length > 0) {
    ctx.logger.warn(
      { ...log, others: result.foreignDuplicates },
      'other hooks also point at this connector (not created by hookhub); GitHub sends each event once per hook',
    );
  }
}

function countRecovered(ctx: SyncContext, result: ReconcileResult): void {
  const connector = ctx.settings.name;
  const inc = (outcome: string, n: number) => n > 0 && ctx.metrics?.recovered.inc({ connector, outcome }, n);
  inc('redelivered', result.redelivered.length);
  inc('already_in_hub', result.alreadyInHub.length);
  inc('gave_up', result.gaveUp.length);
  inc('error', result.errors.length);
  const log = { connector, target: result.target, hookId: result.hookId, scanned: result.scanned };
  if (result.redelivered.length > 0)
    ctx.logger.info(
      { ...log, guids: result.redelivered.map((d) => d.guid) },
      `asked GitHub to redeliver ${result.redelivered.length} missed deliveries`,
    );
  if (result.gaveUp.length > 0)
    ctx.logger.warn(
      { ...log, guids: result.gaveUp.map((d) => d.guid) },
      'deliveries still failing after repeated redeliveries: check the hub logs for why they are refused',
    );
  for (const e of result.errors)
    ctx.logger.warn({ ...log, guid: e.guid, err: createMasker(ctx.knownSecrets())(e.message) }, 'GitHub refused a redelivery');
}
