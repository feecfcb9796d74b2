import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnv } from '../../../src/config/env.ts';
import { loadConfig, parseConfig } from '../../../src/config/load-config.ts';
import { ConfigError } from '../../../src/errors.ts';

const env = (vars: Record<string, string> = {}) => readEnv(vars);

function problemsOf(text: string, vars: Record<string, string> = {}): string {
  try {
    parseConfig('/etc/hookhub.yaml', text, env(vars));
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const VALID = `
server: { port: 9000, bodyLimit: 512kb }
connectors:
  gh:
    type: github
    secret: \${GH_SECRET}
  pay:
    type: stripe
    secret: [\${NEW_STRIPE}, \${OLD_STRIPE:-whsec_old}]
rules: ./my-rules
`;

describe('loadConfig', () => {
  it('interpolates ${VAR} and ${VAR:-default} and applies defaults', () => {
    const config = parseConfig('/etc/hub/hookhub.yaml', VALID, env({ GH_SECRET: 's3cret', NEW_STRIPE: 'whsec_new' }));
    expect(config.server.port).toBe(9000);
    expect(config.server.bodyLimit).toBe(512 * 1024);
    expect(config.connectors.gh).toMatchObject({ type: 'github', secret: ['s3cret'] });
    expect(config.connectors.pay).toMatchObject({ secret: ['whsec_new', 'whsec_old'] });
    expect(config.bus).toMatchObject({ type: 'embedded', path: '/etc/hub/data/hookhub.db' });
    expect(config.rulesDir).toBe('/etc/hub/my-rules');
    expect(config.delivery.timeout).toBe(15_000);
  });

  it('lets PORT, HOOKHUB_NATS_URL and HOOKHUB_DATA_DIR override the file', () => {
    const vars = { GH_SECRET: 'x', NEW_STRIPE: 'y', PORT: '7001', HOOKHUB_NATS_URL: 'nats://10.0.0.1:4222' };
    const nats = parseConfig('/etc/hookhub.yaml', VALID, env(vars));
    expect(nats.server.port).toBe(7001);
    expect(nats.bus).toMatchObject({ type: 'nats', url: 'nats://10.0.0.1:4222' });
    const data = parseConfig('/etc/hookhub.yaml', VALID, env({ GH_SECRET: 'x', NEW_STRIPE: 'y', HOOKHUB_DATA_DIR: '/var/lib/hh' }));
    expect(data.bus).toMatchObject({ type: 'embedded', path: '/var/lib/hh/hookhub.db' });
  });

  it('refuses a PORT that is not a port instead of ignoring it', () => {
    for (const PORT of ['abc', '99999', '80.5']) {
      expect(problemsOf(VALID, { GH_SECRET: 'x', NEW_STRIPE: 'y', PORT })).toContain(
        `PORT: "${PORT}" is not a port number (decimal digits, 1 to 65535)`,
      );
    }
  });

  it('refuses a PORT that Number() would read as a random port or another port', () => {
    // " " would be 0 (a random port), 0x1F90 and 8e3 would be 8080 and 8000, " 8080" a port the user did not write.
    for (const [PORT, shown] of [
      [' ', '" "'],
      ['0', '"0"'],
      ['0x1F90', '"0x1F90"'],
      ['8e3', '"8e3"'],
      ['8080\n', '"8080\\n"'],
    ] as const) {
      expect(problemsOf(VALID, { GH_SECRET: 'x', NEW_STRIPE: 'y', PORT })).toContain(
        `PORT: ${shown} is not a port number (decimal digits, 1 to 65535)`,
      );
    }
    expect(parseConfig('/etc/hookhub.yaml', VALID, env({ GH_SECRET: 'x', NEW_STRIPE: 'y', PORT: '08080' })).server.port).toBe(8080);
  });

  it('reads server.port from ${VAR} as a number, and refuses an empty or boolean one instead of taking it as 0 or 1', () => {
    const withPort = (port: string) => VALID.replace('port: 9000', `port: ${port}`);
    const vars = { GH_SECRET: 'x', NEW_STRIPE: 'y' };
    expect(parseConfig('/etc/hookhub.yaml', withPort('${HUB_PORT:-9090}'), env(vars)).server.port).toBe(9090);
    // 0 is a random port, 1 a privileged one: neither is what an empty variable or a `true` means.
    for (const port of ['${HUB_PORT:-}', 'true', 'abc'])
      expect(problemsOf(withPort(port), vars)).toMatch(/^\s*\/etc\/hookhub\.yaml:2:\d+: .*\(at server\.port\)$/m);
  });

  it('reports a YAML syntax error with file:line:col', () => {
    const message = problemsOf('server:\n  port: 80\n connectors: [\n');
    expect(message).toMatch(/\/etc\/hookhub\.yaml:3:\d+: /);
  });

  it('says what to change for a YAML syntax error made by hand', () => {
    expect(problemsOf('connectors:\n  gh:\n    type: github\n   secret: x\n')).toMatch(
      /\/etc\/hookhub\.yaml:4:\d+: .*: indent it with spaces/,
    );
    expect(problemsOf('server:\n  port 80\n  host: 127.0.0.1\n')).toMatch(/is the ":" after a key missing/);
  });

  it('names a missing environment variable with its location, never a secret value', () => {
    const message = problemsOf(VALID, { NEW_STRIPE: 'whsec_supersecretvalue' });
    expect(message).toContain('/etc/hookhub.yaml:6:13: environment variable GH_SECRET is not set');
    expect(message).not.toContain('supersecretvalue');
  });

  it('never quotes a secret it refuses, nor the line of a YAML error that holds one', () => {
    const refused = [
      'connectors:',
      '  stripe: { type: stripe, secret: sk_live_refusedApiKey0123 }',
      '  gh: { type: github, secret: gh-webhook-secret-0123, token: "" }',
      'api:',
      '  tokens: [{ name: ops, token: short-api-token-0123, role: admin }]',
      'channels:',
      '  eng: { type: slack, url: "hooks.slack.com/services/T0/B0/channelSecret0123" }',
    ].join('\n');
    const message = problemsOf(refused);
    expect(message).toMatch(/\(at connectors\.stripe\.secret\)/);
    for (const secret of ['refusedApiKey0123', 'gh-webhook-secret-0123', 'short-api-token-0123', 'channelSecret0123'])
      expect(message).not.toContain(secret);
    const yaml = problemsOf('connectors:\n  gh: { type: github, secret: "yamlSecret0123 }\n');
    expect(yaml).toMatch(/\/etc\/hookhub\.yaml:\d+:\d+: Missing closing "quote/);
    expect(yaml).not.toContain('yamlSecret0123');
  });

  it('interpolates inside flow mappings and sequences, as in `{ secret: ${X} }`', () => {
    const text = 'connectors:\n  gh: { type: github, secret: ${GH} }\n  st: { type: stripe, secret: [${A}, ${B:-whsec_b}] }\n';
    const config = parseConfig('/etc/hookhub.yaml', text, env({ GH: 'g', A: 'whsec_a' }));
    expect(config.connectors.gh).toMatchObject({ secret: ['g'] });
    expect(config.connectors.st).toMatchObject({ secret: ['whsec_a', 'whsec_b'] });
    expect(problemsOf(text, { A: 'x' })).toContain('/etc/hookhub.yaml:2:31: environment variable GH is not set');
  });

  it('reports an unset variable together with every other problem, and nothing about its empty value', () => {
    const text =
      'server:\n  port: 8080\n  bodyLimt: 1mb\nconnectors:\n  gh: { type: github, secret: ${GH} }\n  st: { type: stripe, secret: x, extra: 1 }\n';
    const message = problemsOf(text);
    expect(message).toMatch(/3 problems/);
    expect(message).toContain('/etc/hookhub.yaml:5:31: environment variable GH is not set');
    expect(message).toContain('/etc/hookhub.yaml:3:3: unknown key "bodyLimt" (did you mean "bodyLimit"?) (at server)');
    expect(message).toContain('/etc/hookhub.yaml:6:34: unknown key "extra" (at connectors.st)');
  });

  it('treats an empty variable as missing, and says it is empty rather than unset (as docker-compose passes one without a value)', () => {
    const message = problemsOf(VALID, { GH_SECRET: '', NEW_STRIPE: 'x' });
    expect(message).toContain(
      'environment variable GH_SECRET is set but empty (give it a value, or write ${GH_SECRET:-default}, which an empty value also falls back from)',
    );
    expect(message).not.toContain('is not set');
  });

  it('rejects an unknown connector type, listing the known ones', () => {
    const message = problemsOf('connectors:\n  x:\n    type: gitbub\n    secret: abc\n');
    expect(message).toMatch(/hookhub\.yaml:3:11: unknown connector type "gitbub" \(known: .*github.*\)/);
  });

  it('lists every problem at once, each with its location', () => {
    const text = 'server:\n  port: lots\n  colour: blue\nbus: { type: kafka }\n';
    const message = problemsOf(text);
    expect(message).toMatch(/3 problems/);
    expect(message).toMatch(/:2:9: .*\(at server\.port\)/);
    expect(message).toMatch(/colour/);
    expect(message).toMatch(/:4:\d+: .*\(at bus\.type\)/);
  });

  it("checks the connector and channel blocks even when the file's top level is invalid", () => {
    const message = problemsOf('server: { port: lots }\nconnectors:\n  gh: { type: gitbub }\nchannels:\n  eng: { type: log, urll: x }\n');
    expect(message).toMatch(/3 problems/);
    expect(message).toMatch(/:1:\d+: .*\(at server\.port\)/);
    expect(message).toMatch(/:3:\d+: unknown connector type "gitbub"/);
    expect(message).toMatch(/:5:\d+: unknown key "urll" \(at channels\.eng\)/);
  });

  it('validates each connector block with its own schema', () => {
    const message = problemsOf('connectors:\n  gh:\n    type: github\n    secrte: abc\n');
    expect(message).toMatch(/connectors\.gh/);
  });

  it('reports each unknown key at the line it is written on, not at its parent', () => {
    const text =
      'server:\n  port: 8080\n  bodyLimt: 1mb\nconnectors:\n  gh:\n    type: github\n    secret: abc\n    sekret: abc\nextra: 1\n';
    const message = problemsOf(text);
    expect(message).toContain('/etc/hookhub.yaml:3:3: unknown key "bodyLimt" (did you mean "bodyLimit"?) (at server)');
    expect(message).toContain('/etc/hookhub.yaml:9:1: unknown key "extra"');
    expect(message).toContain('/etc/hookhub.yaml:8:5: unknown key "sekret" (did you mean "secret"?) (at connectors.gh)');
  });

  it('explains a bad connector or channel name at the name', () => {
    const message = problemsOf(
      'connectors:\n  GitHub: { type: github, secret: abc }\nchannels:\n  eng: { type: log }\n  Ops: { type: log }\n',
    );
    expect(message).toContain('/etc/hookhub.yaml:2:3: connector names are lowercase letters, digits, - and _ (at connectors.GitHub)');
    expect(message).toContain('/etc/hookhub.yaml:5:3: channel names are lowercase letters, digits, - and _ (at channels.Ops)');
  });

  it('survives an alias bomb with a clear error', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      bomb.push(
        `${'b'.repeat(i)}: &${'b'.repeat(i)} [${Array(9)
          .fill(i === 1 ? '*a' : `*${'b'.repeat(i - 1)}`)
          .join(',')}]`,
      );
    expect(() => parseConfig('/etc/hookhub.yaml', bomb.join('\n'), env())).toThrow(/alias/i);
  });

  it('reads a file from disk and explains a missing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookhub-config-'));
    writeFileSync(join(dir, 'hookhub.yaml'), VALID);
    const config = await loadConfig(join(dir, 'hookhub.yaml'), env({ GH_SECRET: 'a', NEW_STRIPE: 'b' }));
    expect(config.file).toBe(join(dir, 'hookhub.yaml'));
    await expect(loadConfig(join(dir, 'nope.yaml'), env())).rejects.toThrow(/create it, or pass --config/);
  });
});

describe('unknown keys in hookhub.yaml', () => {
  it('suggests the key the schema allows at that path, as rule files do', () => {
    const text = [
      'server: { bodyLimt: 1mb }',
      'bus:',
      '  type: nats',
      '  url: nats://127.0.0.1:4222',
      '  retension: 7d',
      'api:',
      '  tokens:',
      '    - { name: ops, token: 0123456789abcdef0123456789abcdef, rol: admin }',
      'connectors:',
      '  gh: { type: github, secret: abc, sekret: abc }',
      'readines: { stallAfter: 30s }',
    ].join('\n');
    const message = problemsOf(text);
    expect(message).toContain('/etc/hookhub.yaml:1:11: unknown key "bodyLimt" (did you mean "bodyLimit"?) (at server)');
    expect(message).toContain('/etc/hookhub.yaml:5:3: unknown key "retension" (did you mean "retention"?) (at bus)');
    expect(message).toContain('unknown key "rol" (did you mean "role"?) (at api.tokens.0)');
    expect(message).toContain('/etc/hookhub.yaml:10:36: unknown key "sekret" (did you mean "secret"?) (at connectors.gh)');
    expect(message).toContain('/etc/hookhub.yaml:11:1: unknown key "readines" (did you mean "readiness"?)\n');
  });

  it('says to indent the keys of a section written with nothing under it, as when a snippet loses its indentation', () => {
    const text = [
      'server: { port: 9000 }',
      'delivery:',
      'allowlist: [127.0.0.1]',
      'connectors:',
      '  gh:',
      '    type: github',
      '    secret: abc',
    ].join('\n');
    const message = problemsOf(text);
    expect(message).toContain(
      '/etc/hookhub.yaml:2:10: "delivery:" has nothing under it: indent its keys two spaces deeper than "delivery"',
    );
    expect(message).toContain(
      '/etc/hookhub.yaml:3:1: unknown key "allowlist" here: it belongs under "delivery:", which has nothing under it; indent "allowlist" two spaces deeper than "delivery"',
    );
  });

  it('gives no hint when nothing allowed is close, or the schema at that path is not known', () => {
    const message = problemsOf('server: { colour: blue }\nbus: { type: kafka, retension: 7d }\n');
    expect(message).toContain('unknown key "colour" (at server)');
    expect(message).not.toContain('did you mean');
  });
});

describe('rules in hookhub.yaml', () => {
  it('explains `rules: []` in one message at its line: one path, not a list', () => {
    const message = problemsOf('server: { port: 9000 }\nrules: []\n');
    expect(message).toBe(
      'invalid configuration:\n  /etc/hookhub.yaml:2:8: rules takes one path, not a list: the folder of *.yaml rule files (or one rule file), ' +
        'relative to hookhub.yaml; write rules: ./rules, or leave it out for ./rules (at rules)',
    );
  });

  it('says the same for an empty rules key', () => {
    expect(problemsOf('rules:\n')).toContain('/etc/hookhub.yaml:1:7: rules takes one path, not empty: the folder of *.yaml rule files');
    expect(problemsOf('rules: ""\n')).toMatch(/^invalid configuration:\n {2}\S+:1:8: rules takes one path, not empty/);
  });
});
