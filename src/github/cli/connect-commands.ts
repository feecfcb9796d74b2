import { connectHook, disconnectHook, type ConnectResult } from '../connect-hook.ts';
import { deliveriesAfter, hookDeliveriesPath, lastDelivery } from '../deliveries-api.ts';
import { pingHook } from '../hooks-api.ts';
import { targetLabel } from '../hook-target.ts';
import { findHubHook } from '../connect-hook.ts';
import { ensureAppHook } from '../app-hook.ts';
import { attempt, eachTarget, targetsFrom, withApp, type GithubCli } from './cli-context.ts';

/** `connect [targets…]`: one line per target saying what changed. */
export async function runConnect(cli: GithubCli, args: readonly string[], dryRun: boolean): Promise<void> {
  const targets = targetsFrom(args, cli.settings);
  const results = await eachTarget(cli, targets, (t) => connectHook(cli.client, t, cli.desired, dryRun));
  if (withApp(args, cli.settings)) results.push(...(await attempt(cli, 'app', () => ensureAppHook(cli.client, cli.desired, dryRun))));
  for (const r of results) cli.write(connectLine(r, cli.desired.events));
  const declared = new Set(cli.settings.targets.map(targetLabel));
  const extra = results.map((r) => r.target).filter((t) => !declared.has(t));
  if (extra.length > 0) {
    cli.write(
      `note: ${extra.join(', ')} ${extra.length === 1 ? 'is' : 'are'} not in connectors.${cli.settings.name}.repos/orgs: add ${extra.length === 1 ? 'it' : 'them'} there so the hub keeps the hook in shape and recovers missed deliveries\n`,
    );
  }
}

function connectLine(r: ConnectResult, events: readonly string[]): string {
  const verb = r.dryRun ? { created: 'would create', updated: 'would update', unchanged: 'unchanged' }[r.action] : r.action;
  const hook = r.hookId !== undefined ? ` hook ${r.hookId}` : '';
  const detail = r.action === 'created' ? ` (events: ${events.join(', ')})` : r.action === 'updated' ? `: ${r.changes.join('; ')}` : '';
  const lines = [`${r.target}: ${verb}${hook}${detail}`];
  if (r.removedDuplicates.length > 0)
    lines.push(`${r.target}: ${r.dryRun ? 'would remove' : 'removed'} duplicate hookhub hook(s) ${r.removedDuplicates.join(', ')}`);
  if (r.foreignDuplicates.length > 0)
    lines.push(
      `${r.target}: warning: hook(s) ${r.foreignDuplicates.join(', ')} also point at this hub (not created by hookhub, left alone): GitHub sends every event once per hook`,
    );
  return `${lines.join('\n')}\n`;
}

/** `disconnect <targets…>`: removes the hub's hook from each. */
export async function runDisconnect(cli: GithubCli, args: readonly string[], all: boolean, dryRun: boolean): Promise<void> {
  if (args.length === 0 && !all) throw new Error('name the repos/orgs to disconnect, or pass --all for every one the connector lists');
  const targets = targetsFrom(args, cli.settings);
  const results = await eachTarget(cli, targets, (t) => disconnectHook(cli.client, t, cli.desired.url, dryRun));
  for (const r of results) {
    const verb = dryRun ? 'would remove' : 'removed';
    cli.write(
      r.removed.length === 0 ? `${r.target}: no hub hook (nothing to do)\n` : `${r.target}: ${verb} hook ${r.removed.join(', ')}\n`,
    );
  }
  const declared = new Set(cli.settings.targets.map(targetLabel));
  const still = results
    .filter((r) => r.removed.length > 0)
    .map((r) => r.target)
    .filter((t) => declared.has(t));
  if (still.length > 0 && !dryRun)
    cli.write(
      `note: ${still.join(', ')} still listed in connectors.${cli.settings.name}: the hub connects ${still.length === 1 ? 'it' : 'them'} again on its next start; remove ${still.length === 1 ? 'it' : 'them'} from the config\n`,
    );
}

/** `ping [targets…]`: asks GitHub to ping the hub's hook, then reports how the hub answered. */
export async function runPing(cli: GithubCli, args: readonly string[], waitMs: number): Promise<void> {
  if (withApp(args, cli.settings))
    cli.write('app: skipped (GitHub has no ping for an App webhook; `hookhub github list` shows its last delivery)\n');
  await eachTarget(cli, targetsFrom(args, cli.settings), async (target) => {
    const label = targetLabel(target);
    const hook = await findHubHook(cli.client, target, cli.desired.url);
    if (!hook) throw new Error(`no hub hook (run \`hookhub github connect ${label}\`)`);
    const path = hookDeliveriesPath(target, hook.id);
    const before = (await lastDelivery(cli.client, path))?.id ?? 0;
    await pingHook(cli.client, target, hook.id);
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      // Not just the newest delivery: on a busy repo other events arrive after the ping.
      const ping = (await deliveriesAfter(cli.client, path, before)).find((d) => d.event === 'ping');
      if (ping) {
        const ok = ping.status_code >= 200 && ping.status_code < 300;
        cli.write(
          `${label}: ping to hook ${hook.id} ${ok ? 'delivered' : 'failed'}: ${ping.status_code} ${ping.status} (guid ${ping.guid})\n`,
        );
        if (!ok) process.exitCode = 1;
        return;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    // Nothing shows the hub answered: not a success for a script that checks the exit code.
    throw new Error(`ping sent to hook ${hook.id}; no result from GitHub within ${waitMs / 1000}s (see \`hookhub github list\`)`);
  });
}
