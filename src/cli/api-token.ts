import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HubEnv } from '../config/env.ts';
import type { HubConfig } from '../config/load-config.ts';
import { dataFolder } from './local-admin-token.ts';

/**
 * The API token a CLI command sends to a running hub: `--token`, else `HOOKHUB_TOKEN`, else, for a
 * hub on this machine, the first `api.tokens` entry of hookhub.yaml or the generated `<data>/admin-token`.
 */
export async function resolveApiToken(
  flag: string | undefined,
  env: HubEnv,
  url: string,
  config: HubConfig | undefined,
): Promise<string | undefined> {
  if (flag ?? env.token) return flag ?? env.token;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname)) return undefined;
  const configured = config?.api.tokens[0]?.token;
  if (configured) return configured;
  const file = join(config ? dataFolder(config) : (env.dataDir ?? 'data'), 'admin-token');
  return existsSync(file) ? (await readFile(file, 'utf8')).trim() : undefined;
}
