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

  it('reads a size given as a number and a unit, or a number of bytes', () => {
    const limit = (value: string) => parseConfig('/etc/hookhub.yaml', `server: { bodyLimit: ${value} }`, readEnv({})).server.bodyLimit;
    expect(limit('1mb')).toBe(1024 * 1024);
    expect(limit('"1.5 KB"')).toBe(1536);
    expect(limit('2048')).toBe(2048);
    expect(limit('"2048"')).toBe(2048);
  });

  it('refuses a size whose unit it does not know instead of reading its number as bytes', () => {
    // bytes.parse alone takes "1m" as 1 byte: every webhook would then get 413.
    for (const value of ['1m', '10 megabytes', '1mbx', '-1mb', '5 k']) {
      const message = problemsOf(`server:\n  bodyLimit: ${value}\n`);
      expect(message).toContain(
        `/etc/hookhub.yaml:2:14: "${value}" is not a size (use e.g. 1mb, 512kb; units: b, kb, mb, gb) (at server.bodyLimit)`,
      );
    }
  });
});

describe('hookhub.yaml delivery.allowlist', () => {
  it('takes host names, IP addresses and CIDR ranges', () => {
    const text = 'delivery:\n  allowlist: [ci.internal, Hooks.Example., 127.0.0.1, "[::1]", 10.20.0.0/16, "fd00::/8", localhost]\n';
    expect(parseConfig('/etc/hookhub.yaml', text, readEnv({})).delivery.allowlist).toHaveLength(7);
  });

  it('refuses an entry no destination could ever match, at its line, instead of ignoring it', () => {
    const entries = ['https://ci.internal', 'ci.internal:8080', '10.0.0.0/33', '"*.internal"', 'ci.internal/hooks', '""'];
    const message = problemsOf(`delivery:\n  allowlist:\n${entries.map((e) => `    - ${e}\n`).join('')}`);
    entries.forEach((_, i) =>
      expect(message).toContain(
        `/etc/hookhub.yaml:${i + 3}:7: a host name, an IP address or a CIDR range (e.g. ci.internal, 10.0.0.5, 10.0.0.0/8), with no scheme, port, path or wildcard (at delivery.allowlist.${i})`,
      ),
    );
  });
});

describe('hookhub.yaml timeouts of 0', () => {
  it('refuses them at their line: 0 turns a slow-client limit off, and times out every delivery at once', () => {
    const message = problemsOf('server:\n  headersTimeout: 0\n  requestTimeout: 0s\ndelivery:\n  timeout: 0ms\n');
    expect(message).toContain(
      '/etc/hookhub.yaml:2:19: must be more than 0: 0 turns the limit off and lets slow clients hold connections for ever (give a duration such as 10s) (at server.headersTimeout)',
    );
    expect(message).toMatch(/\/etc\/hookhub\.yaml:3:19: must be more than 0: 0 turns the limit off .*\(at server\.requestTimeout\)/);
    expect(message).toContain(
      '/etc/hookhub.yaml:5:12: must be more than 0: every attempt would time out at once (give a duration such as 15s) (at delivery.timeout)',
    );
  });
});
