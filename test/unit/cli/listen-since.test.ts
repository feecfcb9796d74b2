import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveListenSettings } from '../../../src/cli/listen-command.ts';
import { readEnv } from '../../../src/config/env.ts';

const now = () => new Date('2026-12-01T12:00:00Z');

/** Settings for `hookhub listen --since <value>` against a hub config in a fresh folder. */
async function since(value: string): Promise<string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'hookhub-listen-since-'));
  writeFileSync(join(dir, 'hookhub.yaml'), 'rules: ./rules\n');
  const opts = { forwardTo: 'http://127.0.0.1:3000/webhooks', token: 'a-viewer-token', since: value, config: join(dir, 'hookhub.yaml') };
  return (await resolveListenSettings(opts, readEnv({}), now)).since;
}

describe('hookhub listen --since', () => {
  it('takes a duration or a time, as the other commands do', async () => {
    expect(await since('10m')).toBe('2026-12-01T11:50:00.000Z');
    expect(await since('2026-12-01T09:00:00Z')).toBe('2026-12-01T09:00:00.000Z');
  });

  it('refuses a bare number instead of reading it as milliseconds (which replays nothing)', async () => {
    await expect(since('30')).rejects.toThrow(
      '--since: "30" has no unit: write a duration such as 30d, 30h or 30m, or a date such as 2026-01-31T00:00:00Z',
    );
  });
});
