import ms from 'ms';
import { GITHUB_DELIVERY_RETENTION_MS } from '../../../connectors/github/config.ts';
import { createMasker } from '../../operations/event-view.ts';
import { parseDuration } from '../../shared/duration.ts';
import { findHubHook } from '../connect-hook.ts';
import { reconcileAppHook, reconcileHook, type ReconcileResult } from '../reconcile-hook.ts';
import { attempt, eachTarget, targetsFrom, withApp, type GithubCli } from './cli-context.ts';

/** `reconcile [targets…] [--since 24h|ISO] [--dry-run]`: redeliver what the hub missed. */
export async function runReconcile(
  cli: GithubCli,
  args: readonly string[],
  opts: { since?: string; dryRun: boolean; json: boolean },
): Promise<void> {
  const { retention } = cli.config.bus;
  const since = sinceDate(opts.since, cli.now(), cli.settings.reconcile.lookback, retention);
  if (opts.since !== undefined && since.getTime() === cli.now().getTime() - Math.min(GITHUB_DELIVERY_RETENTION_MS, retention)) {
    cli.warn(
      retention < GITHUB_DELIVERY_RETENTION_MS
        ? `note: looking back ${ms(retention)}, as far as the bus keeps events (bus.retention): before that the hub cannot tell what it already has\n`
        : 'note: GitHub keeps deliveries for 3 days; looking back 3 days\n',
    );
  }
  const bus = await cli.openBus();
  try {
    const isKnown = async (guid: string) => (await bus.get('events', guid)) !== undefined;
    const options = { since, isKnown, dryRun: opts.dryRun, maxRedeliveries: cli.settings.reconcile.maxRedeliveries };
    const results = await eachTarget(cli, targetsFrom(args, cli.settings), async (target) => {
      const hook = await findHubHook(cli.client, target, cli.desired.url);
      if (!hook) throw new Error('no hub hook to reconcile (run `hookhub github connect` first)');
      return reconcileHook(cli.client, target, hook.id, options);
    });
    if (withApp(args, cli.settings)) results.push(...(await attempt(cli, 'app', () => reconcileAppHook(cli.client, options))));
    // The errors GitHub gave for refused redeliveries quote its answer, which may echo the token sent.
    const shown = createMasker(cli.knownSecrets())(results);
    if (opts.json) cli.write(`${JSON.stringify(shown, null, 2)}\n`);
    else for (const r of shown) cli.write(describe(r, since));
    reportRefusals(cli, shown);
  } finally {
    await bus.close();
  }
}

/** Redeliveries GitHub refused leave deliveries missing from the hub: said on stderr, exit code 1. */
function reportRefusals(cli: GithubCli, results: readonly ReconcileResult[]): void {
  for (const r of results) {
    if (r.errors.length === 0) continue;
    const asked = r.errors.length + r.redelivered.length;
    cli.warn(
      `${r.hookId === undefined ? 'app' : r.target}: error: GitHub refused ${r.errors.length} of ${asked} redelivery request(s); those deliveries are still missing from the hub\n`,
    );
    process.exitCode = 1;
  }
}

function describe(r: ReconcileResult, since: Date): string {
  const failed = r.redelivered.length + r.alreadyInHub.length + r.gaveUp.length + r.errors.length;
  const head = `${r.hookId === undefined ? 'app webhook' : `${r.target} hook ${r.hookId}`}: ${r.scanned} ${r.scanned === 1 ? 'delivery' : 'deliveries'} since ${since.toISOString()}, ${failed} failed`;
  const lines = [head];
  const verb = r.dryRun ? 'would redeliver' : 'redelivery requested';
  for (const d of r.redelivered)
    lines.push(`  ${verb}: ${d.guid} ${d.event}${d.action ? `.${d.action}` : ''} (${d.status_code} ${d.status}, ${d.delivered_at})`);
  for (const guid of r.alreadyInHub) lines.push(`  already in the hub: ${guid}`);
  for (const d of r.gaveUp) lines.push(`  gave up after repeated redeliveries: ${d.guid} (${d.status_code} ${d.status})`);
  for (const e of r.errors) lines.push(`  GitHub refused to redeliver ${e.guid}: ${e.message}`);
  if (failed === 0) lines.push('  nothing missed');
  return `${lines.join('\n')}\n`;
}

/** `--since 24h` or an ISO time; default the configured lookback; never before GitHub's 3-day window nor the bus retention. */
export function sinceDate(value: string | undefined, now: Date, lookbackMs: number, retentionMs = Infinity): Date {
  const floor = now.getTime() - Math.min(GITHUB_DELIVERY_RETENTION_MS, retentionMs);
  if (value === undefined) return new Date(now.getTime() - lookbackMs);
  const duration = parseDuration(value);
  const time = duration !== undefined ? now.getTime() - duration : Date.parse(value);
  if (Number.isNaN(time)) throw new Error(`--since: "${value}" is neither a duration (24h) nor a date (2026-01-31T12:00:00Z)`);
  return new Date(Math.max(time, floor));
}
