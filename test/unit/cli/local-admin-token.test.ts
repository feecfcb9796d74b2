import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLocalAdminToken } from '../../../src/cli/local-admin-token.ts';
import { readEnv } from '../../../src/config/env.ts';
import { parseConfig } from '../../../src/config/load-config.ts';
import { tempDir } from '../../helpers/hub-fixtures.ts';

const configIn = (dir: string, extra = '') =>
  parseConfig(join(dir, 'hookhub.yaml'), `bus: { type: embedded, path: ./data/hub.db }\n${extra}`, readEnv({}));

describe('withLocalAdminToken', () => {
  it('generates one admin token into the data folder (mode 600) and reuses it', async () => {
    const dir = tempDir();
    const first = await withLocalAdminToken(configIn(dir));
    expect(first.tokenFile).toBe(join(dir, 'data', 'admin-token'));
    expect(statSync(first.tokenFile!).mode & 0o777).toBe(0o600);
    const [token] = first.config.api.tokens;
    expect(token).toMatchObject({ name: 'local-admin', role: 'admin' });
    expect(token!.token.length).toBeGreaterThanOrEqual(32);
    const second = await withLocalAdminToken(configIn(dir));
    expect(second.config.api.tokens[0]!.token).toBe(token!.token);
  });

  it('keeps the token in HOOKHUB_DATA_DIR on NATS too, not in data/ beside hookhub.yaml', async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'elsewhere');
    const env = readEnv({ HOOKHUB_DATA_DIR: dataDir, HOOKHUB_NATS_URL: 'nats://127.0.0.1:4222' });
    const result = await withLocalAdminToken(parseConfig(join(dir, 'hookhub.yaml'), 'connectors: {}\n', env));
    expect(result.tokenFile).toBe(join(dataDir, 'admin-token'));
  });

  it('leaves configured tokens alone', async () => {
    const dir = tempDir();
    const configured = configIn(dir, `api: { tokens: [{ name: ops, role: viewer, token: ${'x'.repeat(40)} }] }\n`);
    const result = await withLocalAdminToken(configured);
    expect(result.tokenFile).toBeUndefined();
    expect(result.config.api.tokens.map((t) => t.name)).toEqual(['ops']);
  });
});

describe('withLocalAdminToken on a folder it cannot write', () => {
  it('starts without a dashboard login and says why, instead of failing', async () => {
    const dir = tempDir();
    // A file where the data folder should be: fails for root too, unlike file modes.
    writeFileSync(join(dir, 'data'), 'not a folder');
    const config = configIn(dir);
    const result = await withLocalAdminToken(config);
    expect(result.tokenFile).toBeUndefined();
    expect(result.config.api.tokens).toEqual([]);
    expect(result.problem).toMatch(/^no dashboard login: .*set api.tokens in hookhub.yaml$/);
  });
});
