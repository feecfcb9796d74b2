import { pino, type Logger } from 'pino';
import { createBus } from '../../bus/create-bus.ts';
import type { EventBus } from '../../bus/event-bus.ts';
import { readEnv, type HubEnv } from '../../config/env.ts';
import { loadConfig, type HubConfig } from '../../config/load-config.ts';
import { configPathOption } from '../../cli/config-path.ts';
import { configSecrets } from '../../operations/config-secrets.ts';
import { createMasker } from '../../operations/event-view.ts';
import { createKnownSecrets } from '../../operations/known-secrets.ts';
import { createLiveSecrets } from '../../operations/live-secrets.ts';
import { maskedError } from '../../operations/masked-error.ts';
import { describeApiError } from '../api-error.ts';
import { createGithubClient, type GithubClient, type GithubClientOptions } from '../github-client.ts';
import { desiredHook, githubConnector, requireApi, type GithubConnectorSettings } from '../github-settings.ts';
import { parseHookTarget, targetLabel, type HookTarget } from '../hook-target.ts';
import type { DesiredHook } from '../plan-hook.ts';

/** What the `hookhub github` commands take from outside (tests pass their own). */
export interface GithubCliDeps {
  env?: HubEnv;
  fetch?: typeof fetch;
  now?: () => Date;
  /** Results (stdout). */
  write?: (text: string) => void;
  /** Problems and warnings (stderr). */
  warn?: (text: string) => void;
  openBus?: (config: HubConfig) => Promise<EventBus>;
  /** Client tuning (tests drop the 1 s pause between writes). */
  client?: Pick<GithubClientOptions, 'writeIntervalMs' | 'retries' | 'maxRateLimitWaitMs'>;
}

export interface CommonOptions {
  config?: string;
  connector?: string;
}

export interface GithubCli {
  config: HubConfig;
  settings: GithubConnectorSettings;
  client: GithubClient;
  desired: DesiredHook;
  now: () => Date;
  fetch: typeof fetch;
  write: (text: string) => void;
  warn: (text: string) => void;
  openBus: () => Promise<EventBus>;
  /** What this process knows to be secret (hookhub.yaml's, the App tokens it minted): what it prints of GitHub's answers is masked. */
  knownSecrets: () => readonly string[];
}

/** The CLI reads no rules: what it masks is hookhub.yaml's secrets and the tokens it obtains. */
const NO_RULES = { rules: [] };

/** Loads the config, picks the github connector, and builds an API client that reports waits on stderr. */
export async function loadGithubCli(opts: CommonOptions, deps: GithubCliDeps, events?: readonly string[]): Promise<GithubCli> {
  const env = deps.env ?? readEnv();
  const config = await loadConfig(configPathOption(opts.config, env), env);
  const settings = githubConnector(config, opts.connector);
  const { auth, hookUrl } = requireApi(settings);
  const now = deps.now ?? (() => new Date());
  const { liveSecrets, knownSecrets } = secretsOf(config, now);
  const toStderr = deps.warn ?? ((text: string) => void process.stderr.write(text));
  const warn = (text: string) => toStderr(createMasker(knownSecrets())(text));
  const client = createGithubClient({
    apiUrl: settings.apiUrl,
    auth,
    logger: stderrLogger(warn),
    now,
    // A person is waiting: give up on a rate limit that resets more than 5 minutes from now.
    maxRateLimitWaitMs: 5 * 60_000,
    liveSecrets,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...deps.client,
  });
  return {
    config,
    settings,
    client,
    desired: await desiredHook(settings, hookUrl, events),
    now,
    fetch: deps.fetch ?? fetch,
    write: deps.write ?? ((text: string) => void process.stdout.write(text)),
    warn,
    openBus: () => (deps.openBus ?? ((c: HubConfig) => createBus(c.bus, now)))(config),
    knownSecrets,
  };
}

/**
 * Loads the CLI and runs `command` with it. What it throws is masked as what it warns of is: a
 * GitHub error's message quotes GitHub's answer, which may echo the token the request sent.
 */
export async function runGithubCli(
  opts: CommonOptions,
  deps: GithubCliDeps,
  command: (cli: GithubCli) => Promise<void>,
  events?: readonly string[],
): Promise<void> {
  const cli = await loadGithubCli(opts, deps, events);
  try {
    await command(cli);
  } catch (err) {
    throw maskedError(err, cli.knownSecrets());
  }
}

/** What this process knows to be secret: hookhub.yaml's, and the JWTs and installation tokens a GitHub App's key mints here. */
function secretsOf(config: HubConfig, now: () => Date) {
  const liveSecrets = createLiveSecrets(now);
  const known = createKnownSecrets(configSecrets(config), liveSecrets);
  return { liveSecrets, knownSecrets: () => known(NO_RULES) };
}

/** The targets named on the command line, or else the connector's `repos`/`orgs`. */
export function targetsFrom(args: readonly string[], settings: GithubConnectorSettings): HookTarget[] {
  const targets = args.length > 0 ? args.map(parseHookTarget) : settings.targets;
  if (targets.length === 0 && !withApp(args, settings)) {
    throw new Error(`no repos or orgs given, and connectors.${settings.name} lists none (repos: [owner/repo], orgs: [org])`);
  }
  return targets;
}

/** Whether a command also covers the App's own webhook: when no targets are named and `appWebhook` is on. */
export function withApp(args: readonly string[], settings: GithubConnectorSettings): boolean {
  return args.length === 0 && settings.appWebhook;
}

/** Runs `step` for each target; a failing target is reported on stderr and makes the exit code 1, the others still run. */
export async function eachTarget<T>(cli: GithubCli, targets: readonly HookTarget[], step: (t: HookTarget) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (const target of targets) out.push(...(await attempt(cli, targetLabel(target), () => step(target))));
  return out;
}

/** Runs one step: `[result]`, or `[]` after reporting the failure on stderr (exit code 1). */
export async function attempt<T>(cli: GithubCli, label: string, step: () => Promise<T>): Promise<T[]> {
  try {
    return [await step()];
  } catch (err) {
    cli.warn(`${label}: error: ${describeApiError(err)}\n`);
    process.exitCode = 1;
    return [];
  }
}

function stderrLogger(warn: (text: string) => void): Logger {
  return pino(
    { level: 'warn', base: undefined, timestamp: false },
    { write: (line: string) => warn(`warning: ${(JSON.parse(line) as { msg?: string }).msg ?? line}\n`) },
  );
}
