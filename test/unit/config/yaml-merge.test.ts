import { describe, expect, it } from 'vitest';
import { readEnv } from '../../../src/config/env.ts';
import { parseConfig } from '../../../src/config/load-config.ts';
import { ConfigError } from '../../../src/errors.ts';

// A channel written once and reused: the anchor's ${VAR} is read once, for both.
const SHARED = `
channels:
  eng: &slack { type: slack, url: \${SLACK_URL} }
  ops:
    <<: *slack
    url: https://hooks.slack.com/services/T0/B0/ops
  releases: { <<: *slack }
`;

describe('hookhub.yaml anchors and << merge keys (as in rule files)', () => {
  it('merges an anchored block into another, which overrides its own keys', () => {
    const vars = { SLACK_URL: 'https://hooks.slack.com/services/T0/B0/eng' };
    const config = parseConfig('/etc/hookhub.yaml', SHARED, readEnv(vars));
    expect(config.channels.eng).toMatchObject({ type: 'slack', url: vars.SLACK_URL });
    expect(config.channels.ops).toMatchObject({ type: 'slack', url: 'https://hooks.slack.com/services/T0/B0/ops' });
    expect(config.channels.releases).toMatchObject({ type: 'slack', url: vars.SLACK_URL });
  });

  it('bounds what merge keys expand to, as it bounds aliases', () => {
    const bomb = ['a: &a {a1: 1, a2: 2, a3: 3}'];
    const names = 'bcdefghij';
    for (let i = 0; i < names.length; i++) {
      const prev = i === 0 ? 'a' : names[i - 1];
      bomb.push(`${names[i]}: &${names[i]} {<<: [${Array(9).fill(`*${prev}`).join(', ')}], k${i}: 1}`);
    }
    let error: unknown;
    try {
      parseConfig('/etc/hookhub.yaml', bomb.join('\n'), readEnv({}));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(
      '/etc/hookhub.yaml:1:1: too many alias expansions (over 100): refusing a possible alias bomb',
    );
  });

  it('reports each alias with no anchor where it is written, not at 1:1', () => {
    const text = 'channels:\n  eng: { type: log }\n  ops: *eng\n  releases: { <<: *shared, type: log }\n';
    let message = '';
    try {
      parseConfig('/etc/hookhub.yaml', text, readEnv({}));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('/etc/hookhub.yaml:3:8: *eng refers to no anchor: write &eng on a value above it, or fix the name');
    expect(message).toContain('/etc/hookhub.yaml:4:19: *shared refers to no anchor: write &shared on a value above it, or fix the name');
  });
});
