import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { readEnv, type HubEnv } from '../config/env.ts';
import { loadConfig, type HubConfig } from '../config/load-config.ts';
import { isValidTypeGlob } from '../events/type-glob.ts';
import { configPathOption } from './config-path.ts';
import { parseSince } from './dlq-command.ts';
import { dataFolder } from './local-admin-token.ts';
import { runListen, type ListenSettings } from './listen/run-listen.ts';
import { readOrCreateSecretFile } from './secret-file.ts';
import { resolveApiToken } from './api-token.ts';

export interface ListenOptions {
  forwardTo: string;
  url?: string;
  token?: string;
  events?: string;
  connector?: string;
  cloudevents?: boolean;
  since?: string;
  config?: string;
}

/** `hookhub listen --forward-to <url>`: the hub's live events, forwarded to a local app (like `stripe listen`). */
export function registerListenCommand(program: Command): void {
  program
    .command('listen')
    .description("forward the hub's live events to a local app; reconnects and catches up after drops")
    .requiredOption('--forward-to <url>', 'local URL that receives each event (POST)')
    .option('--url <base>', 'hub base URL (default http://127.0.0.1:<server.port> from hookhub.yaml, else :8080)')
    .option('--token <token>', 'API token (viewer is enough); default $HOOKHUB_TOKEN, or the local hub admin-token file')
    .option('--events <glob>', "only these event types, e.g. 'github.pull_request.*'")
    .option('--connector <name>', 'only events from this connector')
    .option('--cloudevents', 'send the whole CloudEvent instead of the provider payload')
    .option('--since <when>', 'first replay events received since a time (ISO 8601) or for a duration (10m)')
    .option('-c, --config <file>', 'hookhub.yaml, for the port and data folder of a local hub')
    .action(async (opts: ListenOptions) => {
      const settings = await resolveListenSettings(opts, readEnv(), () => new Date());
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      await runListen(settings, {
        fetch,
        now: () => new Date(),
        sleep: (ms) => sleep(ms, undefined, { signal: stop.signal }).catch(() => undefined),
        signal: stop.signal,
        print: (line) => process.stdout.write(`${line}\n`),
      });
    });
}

/** Turns flags, environment and the local hub's files into settings; every problem is a one-line error. */
export async function resolveListenSettings(opts: ListenOptions, env: HubEnv, now: () => Date): Promise<ListenSettings> {
  const forwardTo = httpUrl(opts.forwardTo, '--forward-to');
  const since = parseSince(opts.since, now);
  const config = await optionalConfig(opts.config, env);
  const url = httpUrl(opts.url ?? `http://127.0.0.1:${config?.server.port ?? 8080}`, '--url').replace(/\/+$/, '');
  const folder = config ? dataFolder(config) : (env.dataDir ?? 'data');
  const token = await resolveApiToken(opts.token, env, url, config);
  if (!token) throw new Error(`no API token: pass --token or set HOOKHUB_TOKEN (a viewer token from api.tokens in the hub's hookhub.yaml)`);
  if (opts.events !== undefined && !isValidTypeGlob(opts.events))
    throw new Error(`--events: "${opts.events}" is not a type glob (e.g. github.pull_request.* or stripe.**)`);
  const secret = await readOrCreateSecretFile(join(folder, 'listen-secret'), () => `whsec_${randomBytes(24).toString('base64')}`);
  return {
    url,
    token,
    forwardTo,
    secret,
    cloudevents: opts.cloudevents === true,
    filter: { ...(opts.events ? { type: opts.events } : {}), ...(opts.connector ? { connector: opts.connector } : {}) },
    ...(since ? { since: since.toISOString() } : {}),
  };
}

async function optionalConfig(flag: string | undefined, env: HubEnv): Promise<HubConfig | undefined> {
  const path = configPathOption(flag, env);
  // Listen often runs on a laptop without a hub config: only an explicit --config must exist.
  if (flag === undefined && env.configPath === undefined && !existsSync(path)) return undefined;
  return loadConfig(path, env);
}

function httpUrl(value: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${flag}: "${value}" is not a URL (e.g. http://localhost:3000/webhooks)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${flag}: only http and https URLs`);
  return url.toString();
}
