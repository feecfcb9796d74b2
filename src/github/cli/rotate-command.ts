import { writeFile } from 'node:fs/promises';
import { rotateSecret } from '../rotate-secret.ts';
import type { GithubCli } from './cli-context.ts';

/** `rotate-secret <connector> [--out file] [--skip-check] [--dry-run]`. */
export async function runRotate(cli: GithubCli, opts: { out?: string; skipCheck: boolean; dryRun: boolean }): Promise<void> {
  const name = cli.settings.name;
  const outcome = await rotateSecret({
    settings: cli.settings,
    client: cli.client,
    desired: cli.desired,
    targets: cli.settings.targets,
    now: cli.now,
    fetch: cli.fetch,
    skipCheck: opts.skipCheck,
    dryRun: opts.dryRun,
  });
  if (outcome.kind === 'generated') {
    const shown = opts.out ? `written to ${opts.out} (mode 600)` : outcome.secret;
    if (opts.out) await writeFile(opts.out, `${outcome.secret}\n`, { mode: 0o600 });
    cli.write(
      [
        `All ${outcome.hooks} hub hook(s) of connector "${name}" already sign with its first secret. New secret generated; nothing changed on GitHub yet.`,
        '',
        `  new secret: ${shown}`,
        '',
        `1. List it FIRST in connectors.${name}.secret, keeping the current one, e.g.`,
        `     secret: ["\${GITHUB_WEBHOOK_SECRET_NEW}", "\${GITHUB_WEBHOOK_SECRET}"]`,
        '   and restart the hub: it then accepts both.',
        `2. Run \`hookhub github rotate-secret ${name}\` again: it checks that the hub accepts the new secret, then sets it on every hook.`,
        '   (The hub also does this by itself on start.)',
        '',
      ].join('\n'),
    );
    return;
  }
  for (const r of outcome.results) {
    cli.write(
      `${r.target}: ${r.dryRun ? 'would switch' : 'switched'} ${r.hookId === undefined ? 'the App webhook' : `hook ${r.hookId}`} to the first secret (${r.changes.join('; ') || 'no change'})\n`,
    );
  }
  if (opts.dryRun) return;
  const until = outcome.keepOldUntil.toISOString();
  cli.write(
    outcome.hubAcceptsOld
      ? `Done. Keep the old secret listed until ${until} (GitHub can redeliver deliveries up to 3 days old), then list only the new one.\n`
      : `Done. connectors.${name}.secret lists one secret, so deliveries signed with the old one before the switch are refused; \`hookhub github reconcile\` recovers them.\n`,
  );
}
