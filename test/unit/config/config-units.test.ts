import { describe, expect, it } from 'vitest';
import { readEnv } from '../../../src/config/env.ts';
import { parseConfig } from '../../../src/config/load-config.ts';
import { ConfigError } from '../../../src/errors.ts';

function problemsOf(text: string, vars: Record<string, string> = {}): string {
  try {
    parseConfig('/etc/hookhub.yaml', text, readEnv(vars));
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('hookhub.yaml durations and sizes', () => {
  it('reports an empty duration at its line with the other problems, not as a crash of the duration parser', () => {
    const message = problemsOf('server:\n  requestTimeout: ""\n  headersTimeout: ${HT:-}\n  port: 70000\n');
    expect(message).toContain('/etc/hookhub.yaml:2:19: invalid duration "" (use e.g. 500ms, 15s, 10m, 7d) (at server.requestTimeout)');
    expect(message).toMatch(/\/etc\/hookhub\.yaml:3:\d+: invalid duration "" .*\(at server\.headersTimeout\)/);
    expect(message).toMatch(/\/etc\/hookhub\.yaml:4:\d+: .*\(at server\.port\)/);
    expect(message).not.toContain('non-empty string');
  });
});
