import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readEnv } from '../../../src/config/env.ts';
import { parseConfig } from '../../../src/config/load-config.ts';

const SAMPLE = join(import.meta.dirname, '..', '..', '..', 'hookhub.yaml');

it('the shipped hookhub.yaml loads with its commented chat subscriptions block switched on', () => {
  const text = readFileSync(SAMPLE, 'utf8');
  const block = text.slice(text.indexOf('# subscriptions:'));
  const on = text.replace(block, block.replace(/^# ?/gm, ''));
  expect(on).toMatch(/^subscriptions:\n {2}allow:/m);
  const config = parseConfig(SAMPLE, on, readEnv({ SLACK_BOT_TOKEN: 'xoxb-sample' }));
  expect(config.subscriptions?.allow.channels).toHaveLength(1);
});
