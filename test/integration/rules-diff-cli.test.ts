import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { registerRulesCommand } from '../../src/cli/rules-command.ts';
import { keepOpen } from '../helpers/keep-open-bus.ts';
import { event, fixedNow, testContext, testRegistry } from '../unit/rules/test-context.ts';

const BASE = `rules:
  - name: prs
    description: PRs that are not drafts
    on: github.pull_request.opened
    when: { data.pull_request.draft: false }
    do: [{ notify: { channel: eng, text: "PR {{subject}}" } }]
  - name: pushes
    on: github.push
    do: [{ notify: { channel: eng, text: push } }]
  - name: payments
    on: stripe.**
    do: [{ notify: { channel: payments, text: "{{type}}" } }]
`;

// prs now skips dependency PRs; pushes renders differently; payments is gone; releases is new.
const HEAD = `rules:
  - name: prs
    description: PRs that are not drafts, without dependency bumps
    on: github.pull_request.opened
    when:
      data.pull_request.draft: false
      data.pull_request.labels.name: { $ne: dependencies }
    do: [{ notify: { channel: eng, text: "PR {{subject}}" } }]
  - name: pushes
    on: github.push
    do: [{ notify: { channel: eng, text: "push to {{subject}}" } }]
  - name: releases
    on: github.release.published
    do: [{ notify: { channel: releases, text: "{{title}}" } }]
`;

const pr = (id: string, labels: string[], draft = false) =>
  event({
    id,
    type: 'github.pull_request.opened',
    subject: `acme/api#${id}`,
    data: { pull_request: { draft, labels: labels.map((name) => ({ name })) } },
  });

let root: string;
let bus: EventBus;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hookhub-diff-'));
  bus = await createEmbeddedBus({ path: join(root, 'hub.db') });
  const events = [
    pr('1', ['dependencies']),
    pr('2', ['bug']),
    pr('3', ['dependencies'], true),
    event({ id: 'p1', type: 'github.push', subject: 'acme/api@main' }),
    event({ id: 's1', type: 'stripe.payment_intent.succeeded', connector: 'stripe' }),
    event({ id: 'r1', type: 'github.release.published', title: 'v1.2.0' }),
  ];
  for (const e of events) await bus.publish('events', { id: e.id, subject: e.type, payload: e });
});
afterAll(async () => {
  await bus.close();
  await rm(root, { recursive: true, force: true });
});

describe('hookhub rules diff', () => {
  let out: string;
  let err: string;
  let exitCode: number | undefined;

  const run = async (rulesDir: string, ...args: string[]) => {
    const program = new Command('hookhub').exitOverride();
    registerRulesCommand(program, {
      loadContext: () =>
        Promise.resolve({ rulesDir, channels: testContext.channels, connectors: testContext.connectors, registry: testRegistry }),
      // The command closes the bus it opened; this one belongs to the test.
      openBus: () => Promise.resolve(keepOpen(bus)),
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      setExitCode: (code) => (exitCode = code),
      now: () => fixedNow,
    });
    await program.parseAsync(['rules', 'diff', ...args], { from: 'user' });
  };

  const folder = async (name: string, files: Record<string, string>) => {
    const dir = join(root, name);
    await mkdir(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
    return dir;
  };

  beforeEach(() => {
    out = '';
    err = '';
    exitCode = undefined;
  });

  it('reports added, removed and changed matches and changed renders, per rule, with near-miss reasons (exit 1)', async () => {
    const base = await folder('base', { 'rules.yaml': BASE });
    const head = await folder('head', { 'rules.yaml': HEAD });
    await run(head, '--base-dir', base, '--json');
    expect(exitCode).toBe(1);
    const diff = JSON.parse(out) as {
      tried: number;
      unchanged: number;
      summary: string;
      rules: {
        rule: string;
        change: string;
        counts: Record<string, number>;
        noLongerMatch: { event: { id: string }; reason?: string }[];
        nowMatch: { event: { id: string } }[];
        renderChanged: { before: { params: { text: string } }[]; after: { params: { text: string } }[] }[];
      }[];
    };
    expect(diff.tried).toBe(6);
    const byRule = Object.fromEntries(diff.rules.map((r) => [r.rule, r]));
    expect(Object.keys(byRule)).toEqual(['payments', 'prs', 'pushes', 'releases']);
    expect(byRule.prs?.change).toBe('changed');
    expect(byRule.prs?.counts).toEqual({ nowMatch: 0, noLongerMatch: 1, renderChanged: 0 });
    expect(byRule.prs?.noLongerMatch[0]?.event.id).toBe('1');
    expect(byRule.prs?.noLongerMatch[0]?.reason).toContain('data.pull_request.labels.name');
    expect(byRule.pushes?.counts).toEqual({ nowMatch: 0, noLongerMatch: 0, renderChanged: 1 });
    expect(byRule.pushes?.renderChanged[0]?.before[0]?.params.text).toBe('push');
    expect(byRule.pushes?.renderChanged[0]?.after[0]?.params.text).toBe('push to acme/api@main');
    expect(byRule.payments).toMatchObject({ change: 'removed', counts: { noLongerMatch: 1 } });
    expect(byRule.releases).toMatchObject({ change: 'added', counts: { nowMatch: 1 } });
    expect(byRule.releases?.nowMatch[0]?.event.id).toBe('r1');
    expect(diff.summary).toBe('4 rule(s) changed on 6 stored events: 1 new match(es), 2 lost match(es), 1 changed render(s)');
  });

  it('prints a readable report with the summary line last', async () => {
    const base = await folder('base', { 'rules.yaml': BASE });
    const head = await folder('head', { 'rules.yaml': HEAD });
    await run(head, '--base-dir', base);
    // Where each rule is, relative to the working folder as the header's folders are.
    expect(out).toContain(`\n~ prs  ${relative(process.cwd(), join(head, 'rules.yaml'))}:`);
    expect(out).toMatch(/- 1 {2}github\.pull_request\.opened {2}acme\/api#1\n {8}now: when data\.pull_request\.labels\.name/);
    expect(out).toContain('before: [{"action":"notify","params":{"channel":"eng","text":"push"}}]');
    expect(out).toContain('+ releases  ');
    expect(out.trimEnd().split('\n').at(-1)).toMatch(/^4 rule\(s\) changed on 6 stored events/);
  });

  it('exits 0 when the change has no effect on stored events', async () => {
    const base = await folder('same-base', { 'rules.yaml': BASE });
    const head = await folder('same-head', { 'rules.yaml': BASE.replace('PRs that are not drafts', 'Ready PRs') });
    await run(head, '--base-dir', base);
    expect(exitCode).toBe(0);
    expect(out).toContain('no change in effect on 6 stored events');
  });

  it('exits 2 with file:line when the changed rules are invalid', async () => {
    const base = await folder('base', { 'rules.yaml': BASE });
    const head = await folder('broken', { 'rules.yaml': HEAD.replace('channel: releases', 'channel: nowhere') });
    await run(head, '--base-dir', base);
    expect(exitCode).toBe(2);
    expect(err).toMatch(/broken\/rules\.yaml:\d+:\d+: .*nowhere/);
    expect(out).toBe('');
  });

  it('exits 2 naming the folder when --base-dir does not exist, instead of showing every rule as added', async () => {
    const head = await folder('head', { 'rules.yaml': HEAD });
    const missing = join(root, 'no-such-base');
    await run(head, '--base-dir', missing);
    expect(exitCode).toBe(2);
    expect(err).toBe(
      `rules diff: the --base-dir folder ${missing} does not exist; give the folder that holds the rules to compare against, or --base <git ref> (exit 2)\n`,
    );
    expect(out).toBe('');
  });

  it('compares against a git ref by default (HEAD), and honours --last', async () => {
    const repo = await folder('repo/rules', { 'rules.yaml': BASE });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    git('init', '-q');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'empty');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'rules');
    await writeFile(join(repo, 'rules.yaml'), HEAD);
    await run(repo, '--json', '--last', '2');
    expect(exitCode).toBe(1);
    const diff = JSON.parse(out) as { base: string; tried: number; rules: { rule: string }[] };
    expect(diff.base).toBe(`HEAD:${relative(process.cwd(), repo)}`);
    expect(diff.tried).toBe(2);
    await run(repo, '--base', 'HEAD~1');
    expect(out).toContain('(added)');
    await expect(run(repo, '--base', 'no-such-ref')).rejects.toThrow('--base no-such-ref: no such commit');
  });

  it('compares one rules file (rules: ./rules.yaml) against its version at a git ref', async () => {
    const repo = await folder('file-repo', { 'rules.yaml': BASE, 'other.yaml': 'rules: []\n' });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    git('init', '-q');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'rules');
    await writeFile(join(repo, 'rules.yaml'), HEAD);
    await run(join(repo, 'rules.yaml'), '--json');
    expect(err).toBe('');
    expect(exitCode).toBe(1);
    const diff = JSON.parse(out) as { rules: { rule: string; change: string }[] };
    expect(diff.rules.map((r) => `${r.rule}:${r.change}`)).toEqual(['payments:removed', 'prs:changed', 'pushes:changed', 'releases:added']);
  });
});
