import { APP_HOOK_DELIVERIES, hookDeliveriesPath, lastDelivery, type HookDelivery } from '../deliveries-api.ts';
import { GithubHookSchema, listHooks, type GithubHook } from '../hooks-api.ts';
import { targetLabel } from '../hook-target.ts';
import { parseMarkedUrl } from '../secret-fingerprint.ts';
import { attempt, eachTarget, targetsFrom, withApp, type GithubCli } from './cli-context.ts';
import { formatTable } from '../../cli/text-table.ts';

interface Row {
  target: string;
  hook: GithubHook;
  hub: 'hookhub' | 'other';
  last: HookDelivery | undefined;
}

/** `list [targets…]`: every hook on each repo/org, marked when it is the hub's, with its last delivery. */
export async function runList(cli: GithubCli, args: readonly string[], json: boolean): Promise<void> {
  const targets = targetsFrom(args, cli.settings);
  const groups = await eachTarget(cli, targets, async (target): Promise<Row[]> => {
    const hooks = await listHooks(cli.client, target);
    return Promise.all(
      hooks.map(async (hook) => ({
        target: targetLabel(target),
        hook,
        hub: parseMarkedUrl(hook.config.url ?? '').url === cli.desired.url ? ('hookhub' as const) : ('other' as const),
        last: await lastDelivery(cli.client, hookDeliveriesPath(target, hook.id)),
      })),
    );
  });
  const rows = groups.flat();
  if (withApp(args, cli.settings)) rows.push(...(await attempt(cli, 'app', () => appRow(cli))));
  if (json) {
    cli.write(
      `${JSON.stringify(
        rows.map((r) => ({
          target: r.target,
          id: r.hook.id,
          url: displayUrl(r.hook.config.url),
          hookhub: r.hub === 'hookhub',
          active: r.hook.active,
          events: r.hook.events,
          lastDelivery: r.last ?? null,
        })),
        null,
        2,
      )}\n`,
    );
    return;
  }
  if (rows.length === 0) {
    if (groups.length === targets.length) cli.write('no hooks\n');
    return;
  }
  const table = rows.map((r) => [
    r.target,
    r.target === 'app' ? '-' : String(r.hook.id),
    r.hub,
    r.hook.active ? 'yes' : 'no',
    r.hook.events.join(','),
    lastText(r.last, cli.now()),
    displayUrl(r.hook.config.url),
  ]);
  cli.write(formatTable(['TARGET', 'HOOK', 'OWNER', 'ACTIVE', 'EVENTS', 'LAST DELIVERY', 'URL'], table));
}

/** The App's own webhook as a row; its events are the App's subscriptions, shown in its settings. */
async function appRow(cli: GithubCli): Promise<Row> {
  const { data } = await cli.client.request('GET /app/hook/config');
  const config = GithubHookSchema.shape.config.parse(data);
  const hook: GithubHook = { id: 0, active: true, events: ['(app settings)'], config };
  const hub = parseMarkedUrl(config.url ?? '').url === cli.desired.url ? ('hookhub' as const) : ('other' as const);
  return { target: 'app', hook, hub, last: await lastDelivery(cli.client, APP_HOOK_DELIVERIES) };
}

/** Scheme, host and path only: other tools put tokens in query strings, and hookhub's marker is noise here. */
function displayUrl(url: string | undefined): string {
  if (!url) return '-';
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}

function lastText(d: HookDelivery | undefined, now: Date): string {
  if (!d) return 'never';
  const mins = Math.max(0, Math.round((now.getTime() - Date.parse(d.delivered_at)) / 60_000));
  const ago = mins < 1 ? 'just now' : mins < 120 ? `${mins}m ago` : `${Math.round(mins / 60)}h ago`;
  return `${d.status_code} ${d.status} (${d.event}, ${ago})`;
}
