import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { HubConfig } from '../config/load-config.ts';
import { readOrCreateSecretFile } from './secret-file.ts';

/**
 * With no `api.tokens` configured, `hookhub start` still opens the dashboard to whoever can read the
 * hub's data folder: an admin token is generated once into `<data>/admin-token` (mode 600) and its
 * path, never its value, is logged — the way Jupyter or Grafana hand out a first login.
 */
export async function withLocalAdminToken(config: HubConfig): Promise<{ config: HubConfig; tokenFile?: string; problem?: string }> {
  if (config.api.tokens.length > 0) return { config };
  try {
    return await generated(config);
  } catch (err) {
    // Never a reason not to start: the hub still takes webhooks (and says 503 if it cannot store them).
    return { config, problem: `no dashboard login: ${(err as Error).message}; set api.tokens in hookhub.yaml` };
  }
}

/** The hub's data folder: next to the embedded store, else HOOKHUB_DATA_DIR, else `data/` beside hookhub.yaml. */
export function dataFolder(config: HubConfig): string {
  if (config.bus.type === 'embedded') return dirname(config.bus.path);
  return config.dataDir ?? join(dirname(config.file), 'data');
}

async function generated(config: HubConfig): Promise<{ config: HubConfig; tokenFile: string }> {
  const folder = dataFolder(config);
  const tokenFile = join(folder, 'admin-token');
  const token = await readOrCreateSecretFile(tokenFile, () => randomBytes(32).toString('base64url'));
  if (token.length < 32) throw new Error(`${tokenFile} holds a token shorter than 32 characters: delete the file to get a new one`);
  return { config: { ...config, api: { ...config.api, tokens: [{ name: 'local-admin', role: 'admin', token }] } }, tokenFile };
}
