import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerRulesCommand } from '../../../src/cli/rules-command.ts';
import { event, fixedNow, testContext, testRegistry } from './test-context.ts';
import { stringMatching } from '../../helpers/matchers.ts';

/** `rules test --json`, as far as these tests read it. */
type DryRunJson = { event: unknown; matched: { rule: string; jobs: { params: { text?: string } }[] }[]; nearMisses: unknown[] };

const good = `rules:
  - name: prs
    on: github.pull_request.*
    when:
      data.pull_request.draft: false
    do:
      - notify: { channel: eng, text: "{{title}} by {{actor}}" }
      - webhook: { url: "https://example.com", secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, body: { n: "{{value data.number}}" } }
  - name: pushes
    on: github.push
    do: [{ notify: { channel: eng, text: push } }]
  - name: weekly
    schedule: "0 9 * * MON"
    enabled: false
    do: [{ notify: { channel: eng, text: report } }]
`;

describe('hookhub rules', () => {
  let dir: string;
  let stdout: string;
  let stderr: string;
  let exitCode: number;
  let stdin: string;

  const run = async (...args: string[]) => {
    const program = new Command('hookhub').exitOverride();
    registerRulesCommand(program, {
      loadContext: () =>
        Promise.resolve({
          rulesDir: dir,
          channels: testContext.channels,
          connectors: testContext.connectors,
          registry: testRegistry,
          connectorConfigs: { github: { type: 'github', secret: 'local-secret' }, stripe: { type: 'stripe', secret: 'whsec_local' } },
        }),
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      setExitCode: (code) => (exitCode = code),
      readStdin: () => Promise.resolve(stdin),
      now: () => fixedNow,
    });
    await program.parseAsync(['rules', ...args], { from: 'user' });
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hookhub-cli-'));
    await writeFile(join(dir, 'good.yaml'), good);
    stdout = '';
    stderr = '';
    exitCode = 0;
    stdin = '';
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('validate prints every problem as file:line:col and exits 1', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(
      bad,
      'rules:\n  - name: x\n    on: github.push\n    when: { data.a: { $gtee: 1 } }\n    do: [{ notify: { channel: nope, text: "{{x" } }]\n',
    );
    await run('validate', bad);
    expect(exitCode).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${bad}:4:23: unknown operator \\$gtee`));
    expect(lines[1]).toMatch(new RegExp(`^${bad}:5:31: notify: unknown channel "nope"`));
    expect(lines[2]).toMatch(new RegExp(`^${bad}:5:\\d+: notify: template syntax error`));
    expect(stderr).toContain('1 rule(s)'.replace('1', '0'));
    expect(stdout).toBe('');
  });

  it('validate passes the configured folder, with warnings on stderr', async () => {
    await writeFile(join(dir, 'warn.yaml'), 'rules:\n  - name: w\n    on: github\n    do: [{ notify: { channel: eng, text: hi } }]\n');
    await run('validate');
    expect(exitCode).toBe(0);
    expect(stderr).toMatch(/warn\.yaml:3:9: warning: "github" can never match/);
    expect(stdout).toBe('4 rule(s) in 2 file(s): 0 error(s), 1 warning(s)\n');
  });

  it('test shows matched rules with rendered actions, near misses with the failing clause, and sends nothing', async () => {
    const ev = event({
      id: 'd1',
      type: 'github.pull_request.opened',
      title: 'Add "x"',
      actor: 'octo',
      data: { number: 7, pull_request: { draft: true } },
    });
    stdin = JSON.stringify(ev);
    await run('test', '--event', '-', '--json');
    const result = JSON.parse(stdout) as DryRunJson;
    expect(result.matched).toEqual([]);
    expect(result.nearMisses).toEqual([
      expect.objectContaining({
        rule: 'prs',
        reason: 'when',
        failed: [{ clause: 'data.pull_request.draft', condition: false, actual: true }],
      }),
    ]);

    stdout = '';
    const file = join(dir, 'event.json');
    await writeFile(file, JSON.stringify({ ...ev, data: { number: 7, pull_request: { draft: false } } }));
    await run('test', '--event', file, '--json');
    const { matched } = JSON.parse(stdout) as DryRunJson;
    expect(matched).toEqual([
      expect.objectContaining({
        rule: 'prs',
        jobs: [
          { id: 'd1:prs:0', action: 'notify', params: { channel: 'eng', text: 'Add "x" by octo' } },
          {
            id: 'd1:prs:1',
            action: 'webhook',
            params: { url: 'https://example.com', secret: stringMatching(/^\[redacted/), body: { n: 7 } },
          },
        ],
      }),
    ]);

    stdout = '';
    await run('test', '--event', file);
    expect(stdout).toContain('✔ prs');
    expect(stdout).toContain('notify → job d1:prs:0');
    expect(stdout).not.toContain('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(stdout).toMatch(/1 rule\(s\) matched, 2 action\(s\) would be queued, 0 near miss\(es\)/);
  });

  it('test wraps a raw provider payload with --type', async () => {
    const file = join(dir, 'push.json');
    await writeFile(file, JSON.stringify({ ref: 'refs/heads/main' }));
    await run('test', '--event', file, '--type', 'github.push', '--json');
    expect((JSON.parse(stdout) as DryRunJson).matched.map((m) => m.rule)).toEqual(['pushes']);
  });

  it('test --sample runs a bundled provider sample through the connector, as at ingress', async () => {
    await run('test', '--sample', 'github:pull_request', '--json');
    const result = JSON.parse(stdout) as DryRunJson;
    expect(result.event).toMatchObject({ type: 'github.pull_request.opened', connector: 'github' });
    expect(result.matched).toEqual([
      expect.objectContaining({ rule: 'prs', jobs: [expect.objectContaining({ action: 'notify' }), expect.anything()] }),
    ]);
    // title and actor come from the connector's normalization, not from the test.
    expect(result.matched[0]?.jobs[0]?.params.text).toMatch(/^.+ by .+$/);
  });

  it("test --sample with --event signs and normalizes the user's own raw payload", async () => {
    const file = join(dir, 'push.json');
    await writeFile(file, JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'acme/api' }, sender: { login: 'octo' } }));
    await run('test', '--sample', 'github:push', '--event', file, '--json');
    expect(JSON.parse(stdout)).toMatchObject({ event: { type: 'github.push' }, matched: [{ rule: 'pushes' }] });
    await expect(run('test', '--sample', 'gitlab:push')).rejects.toThrow(/no connector named or typed "gitlab"/);
  });

  it('test takes a real event saved with `events show <id> --json`, which holds it under `event`', async () => {
    const ev = event({ id: 'shown-1', type: 'github.push', data: {} });
    const file = join(dir, 'shown.json');
    await writeFile(file, JSON.stringify({ summary: { id: ev.id, type: ev.type }, rules: [], jobs: [], event: ev }));
    await run('test', '--event', file, '--json');
    expect((JSON.parse(stdout) as DryRunJson).matched).toEqual([expect.objectContaining({ rule: 'pushes' })]);
  });

  it('test refuses a file that is not an event', async () => {
    const file = join(dir, 'x.json');
    await writeFile(file, '{"hello": 1}');
    await expect(run('test', '--event', file)).rejects.toThrow(
      /not a HubEvent .*save a stored one with `hookhub events show <id> --json > event.json`/,
    );
  });

  it('list shows every rule, including disabled and scheduled ones', async () => {
    await run('list', '--json');
    expect((JSON.parse(stdout) as { name: string; enabled: boolean }[]).map((r) => [r.name, r.enabled])).toEqual([
      ['prs', true],
      ['pushes', true],
      ['weekly', false],
    ]);
    stdout = '';
    await run('list');
    expect(stdout).toMatch(/^RULE\s+TRIGGER\s+ACTIONS\s+WHERE\n/);
    expect(stdout).toContain('weekly (disabled)');
    expect(stdout).toContain('schedule 0 9 * * MON');
  });
});
