import type { Command } from 'commander';
import { runGithubCli, type CommonOptions, type GithubCliDeps } from '../github/cli/cli-context.ts';
import { runConnect, runDisconnect, runPing } from '../github/cli/connect-commands.ts';
import { runList } from '../github/cli/list-command.ts';
import { runReconcile } from '../github/cli/reconcile-command.ts';
import { runRotate } from '../github/cli/rotate-command.ts';

type Flags = CommonOptions & {
  dryRun?: boolean;
  json?: boolean;
  events?: string;
  since?: string;
  all?: boolean;
  out?: string;
  skipCheck?: boolean;
  wait?: string;
};

/**
 * `hookhub github connect|disconnect|list|ping|reconcile|rotate-secret`: manage the GitHub webhooks that feed
 * a github connector, through the GitHub API (token or App from the connector's config). Every command prints
 * what it changed and is safe to repeat. See docs/github.md.
 */
export function registerGithubCommand(program: Command, deps: GithubCliDeps = {}): void {
  const github = program.command('github').description('connect GitHub repos/orgs to the hub and recover missed deliveries');
  registerConnect(github, deps);
  registerDisconnect(github, deps);
  registerList(github, deps);
  registerPing(github, deps);
  registerReconcile(github, deps);
  registerRotateSecret(github, deps);
}

/** The options every command but rotate-secret takes. */
function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .option('--connector <name>', 'which github connector (when there are several)');
}

function registerConnect(github: Command, deps: GithubCliDeps): void {
  withCommonOptions(github.command('connect [targets...]'))
    .description("make sure each repo (owner/repo) or org has exactly one hook to the hub (default: the connector's repos/orgs)")
    .option('--events <list>', "comma-separated events (default: the connector's events, else *)")
    .option('--dry-run', 'show what would change, change nothing')
    .action(async (targets: string[], opts: Flags) => {
      const events = opts.events
        ?.split(',')
        .map((e) => e.trim())
        .filter(Boolean);
      await runGithubCli(opts, deps, (cli) => runConnect(cli, targets, opts.dryRun ?? false), events);
    });
}

function registerDisconnect(github: Command, deps: GithubCliDeps): void {
  withCommonOptions(github.command('disconnect [targets...]'))
    .description("remove the hub's hook from repos/orgs (other hooks are left alone)")
    .option('--all', 'every repo/org the connector lists')
    .option('--dry-run', 'show what would be removed')
    .action(async (targets: string[], opts: Flags) =>
      runGithubCli(opts, deps, (cli) => runDisconnect(cli, targets, opts.all ?? false, opts.dryRun ?? false)),
    );
}

function registerList(github: Command, deps: GithubCliDeps): void {
  withCommonOptions(github.command('list [targets...]'))
    .description("every hook on the repos/orgs, which one is the hub's, and its last delivery")
    .option('--json', 'print JSON')
    .action(async (targets: string[], opts: Flags) => runGithubCli(opts, deps, (cli) => runList(cli, targets, opts.json ?? false)));
}

function registerPing(github: Command, deps: GithubCliDeps): void {
  withCommonOptions(github.command('ping [targets...]'))
    .description("ask GitHub to ping the hub's hook and show how the hub answered")
    .option('--wait <seconds>', 'how long to wait for the result', '10')
    .action(async (targets: string[], opts: Flags) =>
      runGithubCli(opts, deps, (cli) => runPing(cli, targets, Number(opts.wait ?? 10) * 1000)),
    );
}

function registerReconcile(github: Command, deps: GithubCliDeps): void {
  withCommonOptions(github.command('reconcile [targets...]'))
    .description('redeliver failed deliveries the hub never stored (GitHub never retries them)')
    .option('--since <when>', 'how far back: a duration (24h) or a date; at most 3 days (default: reconcile.lookback)')
    .option('--dry-run', 'list what would be redelivered')
    .option('--json', 'print JSON')
    .action(async (targets: string[], opts: Flags) => {
      const reconcileOpts = { ...(opts.since ? { since: opts.since } : {}), dryRun: opts.dryRun ?? false, json: opts.json ?? false };
      await runGithubCli(opts, deps, (cli) => runReconcile(cli, targets, reconcileOpts));
    });
}

function registerRotateSecret(github: Command, deps: GithubCliDeps): void {
  github
    .command('rotate-secret <connector>')
    .description('rotate the webhook secret: generate a new one, then (once the hub accepts it) set it on every hook')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .option('--out <file>', 'write a generated secret to this file (mode 600) instead of printing it')
    .option('--skip-check', 'switch hooks without first checking that the running hub accepts the new secret')
    .option('--dry-run', 'show which hooks would be switched')
    .action(async (connector: string, opts: Flags) => {
      const rotateOpts = { ...(opts.out ? { out: opts.out } : {}), skipCheck: opts.skipCheck ?? false, dryRun: opts.dryRun ?? false };
      await runGithubCli({ ...(opts.config ? { config: opts.config } : {}), connector }, deps, (cli) => runRotate(cli, rotateOpts));
    });
}
