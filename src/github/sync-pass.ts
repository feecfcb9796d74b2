import { ensureHooks, reconcileTargets, type SyncContext } from './sync-connector.ts';
import { holdLease, type SyncLease } from './sync-lease.ts';

/**
 * A connector's pass, unless another hub process on the NATS bus runs its passes (sync-lease.ts). The lease
 * lasts two intervals and is renewed while the pass runs, so others take over only once its holder has missed
 * two. With `every: 0` there is only the start-up pass, and every process runs it.
 */
export async function leasedPass(
  ctx: SyncContext,
  { lease, stopping }: { lease: SyncLease | undefined; stopping: AbortSignal },
  now: () => Date,
  force: boolean,
): Promise<void> {
  const { every } = ctx.settings.reconcile;
  const { name } = ctx.settings;
  if (!lease || every === 0 || force) return pass(ctx, now);
  // A pass still queued when the sync stopped (behind another connector's) must not take a lease it would keep.
  if (stopping.aborted) return;
  const desired = `${ctx.desired.markedUrl} ${ctx.desired.events.join(',')}`;
  if (!(await lease.take(name, desired, 2 * every))) {
    ctx.logger.debug({ connector: name }, 'GitHub sync pass left to the hub process that holds its lease');
    return;
  }
  const held = holdLease(lease, { connector: name, desired, leaseMs: 2 * every }, stopping, ctx.logger);
  await pass({ ...ctx, signal: held.signal }, now).finally(() => held.end());
  // Renewed at the end too, so the next interval starts with a full lease; not once lost, or given up by stop().
  if (!held.signal.aborted) await lease.take(name, desired, 2 * every);
}

/** One pass for a connector: hooks first (so a repaired secret is in place), then missed deliveries. */
async function pass(ctx: SyncContext, now: () => Date): Promise<void> {
  // A target whose hook failed is still reconciled: its missed deliveries may be recoverable all the same.
  const hooksFailed = await ensureHooks(ctx).then(
    () => undefined,
    (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
  );
  const { every, lookback } = ctx.settings.reconcile;
  if (every > 0) await reconcileTargets(ctx, new Date(now().getTime() - lookback));
  if (hooksFailed) throw hooksFailed;
}
