/**
 * `hookhub start` with a connector secret short enough to guess from one signed webhook, and a channel the
 * SSRF guard will refuse: the hub starts (a deployment that ran before an upgrade keeps running) and its log
 * names each setting, never the secret.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { readEnv } from '../../src/config/env.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { startHub } from '../../src/hub.ts';
import { createLogger } from '../../src/logging/create-logger.ts';
import { tempDir } from '../helpers/hub-fixtures.ts';

it('starts with a short secret and a refused channel, and warns about each by setting', async () => {
  const dir = tempDir('hookhub-weak-secret-');
  mkdirSync(join(dir, 'rules'));
  const yaml = `server: { port: 0 }
bus: { type: embedded, path: ./hub.db }
connectors:
  github: { type: github, secret: hunter2 }
  billing: { type: standard-webhooks, secret: whsec_abc }
  slack: { type: slack, secret: 8f14e45fceea167a5a36dedd4bea2543 }
channels:
  local-chat: { type: mattermost, url: http://127.0.0.1:8065/hooks/abc }
rules: ./rules
`;
  const config = parseConfig(join(dir, 'hookhub.yaml'), yaml, readEnv({}));
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const hub = await startHub({ config, logger: createLogger({ destination }) });
  try {
    const warnings = lines
      .map((line) => JSON.parse(line) as { level: number; setting?: string; msg: string })
      .filter((l) => l.level === 40 && l.setting?.startsWith('connectors.'));
    expect(warnings.map((w) => [w.setting, w.msg.split(':')[0]])).toEqual([
      ['connectors.github.secret', 'connectors.github.secret is 7 characters long'],
      ['connectors.billing.secret', 'connectors.billing.secret is a whsec_ secret of 2 key bytes'],
    ]);
    expect(lines.join('\n')).not.toMatch(/hunter2|whsec_abc|8f14e45f/);
    // A channel every message to which the SSRF guard would refuse is named at start too.
    const channel = lines
      .map((line) => JSON.parse(line) as { setting?: string; msg: string })
      .find((l) => l.setting === 'channels.local-chat.url');
    expect(channel?.msg).toMatch(
      /^channels\.local-chat\.url: the SSRF guard will refuse this channel at delivery: 127\.0\.0\.1 is a loopback address; to send to it, list "127\.0\.0\.1" in delivery\.allowlist/,
    );
  } finally {
    await hub.stop();
  }
}, 30_000);
