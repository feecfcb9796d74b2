import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { githubEventType } from '../../../connectors/github/normalize.ts';
import { loadGithubFixture } from '../../helpers/github-fixture.ts';
import { actions } from '../../../src/actions/index.ts';
import { compileRuleSources } from '../../../src/rules/compile-rule-sources.ts';
import { loadRuleSet } from '../../../src/rules/load-rule-set.ts';
import { compileYaml, event, printed, testContext } from './test-context.ts';

const notify = 'do: [{ notify: { channel: eng, text: hi } }]';

describe('rule files: bad input gets a precise file:line:col diagnostic', () => {
  it('reports YAML syntax errors with their position', () => {
    const result = compileYaml('rules:\n  - name: a\n    on: [github.push\n');
    expect(result.ok).toBe(false);
    expect(printed(result)[0]).toMatch(/^rules\/test\.yaml:4:1: YAML: /);
  });

  it('says what to change for the YAML mistakes made by hand (indentation, a missing colon, a tab)', () => {
    const misindented = compileYaml(
      'rules:\n  - name: a\n    on: github.push\n    do:\n      - webhook:\n          url: https://x.test\n         method: POST\n',
    );
    expect(printed(misindented)[0]).toMatch(/^rules\/test\.yaml:7:\d+: YAML: .*: indent it with spaces to the same column/);
    const noColon = compileYaml('rules:\n  - name: a\n    on github.push\n    do: []\n');
    expect(printed(noColon)[0]).toMatch(/^rules\/test\.yaml:3:5: YAML: .*is the ":" after a key missing \(write key: value\)\?/);
    const tab = compileYaml('rules:\n  - name: a\n\t  on: github.push\n');
    expect(printed(tab).join('\n')).toContain('replace the tab with spaces');
  });

  it("says to indent an action's params that sit beside it instead of under it", () => {
    const result = compileYaml(
      'rules:\n  - name: a\n    on: github.push\n    do:\n      - webhook:\n        url: https://x.test/hook\n        body: { a: 1 }\n',
    );
    expect(printed(result)).toEqual([
      'rules/test.yaml:6:9: url, body sit beside "webhook:" instead of under it, so webhook has no params: indent url, body two spaces deeper than "webhook"',
    ]);
  });

  it('reports a duplicate rule name across files, pointing at the first definition', () => {
    const rule = (n: string) => `rules:\n  - name: ${n}\n    on: github.push\n    ${notify}\n`;
    const result = compileRuleSources(
      [
        { file: 'rules/a.yaml', text: rule('deploy') },
        { file: 'rules/b.yaml', text: `# b\n${rule('deploy')}` },
      ],
      testContext,
    );
    expect(printed(result)).toEqual([
      'rules/b.yaml:3:11: duplicate rule name "deploy": already defined at rules/a.yaml:2:11 (names are unique across all rule files)',
    ]);
  });

  it('reports an unknown (misspelt) operator at its key, with a suggestion', () => {
    const result = compileYaml(
      `rules:\n  - name: big\n    on: stripe.charge.succeeded\n    when:\n      data.amount: { $gtee: 100 }\n    ${notify}\n`,
    );
    expect(printed(result)).toEqual([expect.stringMatching(/^rules\/test\.yaml:5:22: unknown operator \$gtee \(did you mean "\$gte"\?\)/)]);
  });

  it('refuses operators outside the documented set, such as $where (it would run code)', () => {
    const result = compileYaml(`rules:\n  - name: x\n    on: github.push\n    when:\n      data.a: { $where: "true" }\n    ${notify}\n`);
    expect(printed(result)[0]).toMatch(/^rules\/test\.yaml:5:17: unknown operator \$where/);
  });

  it('reports a wrong type for on', () => {
    const result = compileYaml(`rules:\n  - name: x\n    on: { github: push }\n    ${notify}\n`);
    expect(printed(result)).toEqual(['rules/test.yaml:3:9: on must be a string or a list of strings, got a map']);
    expect(printed(compileYaml(`rules:\n  - name: x\n    on: [github.push, 42]\n    ${notify}\n`))).toEqual([
      'rules/test.yaml:3:9: every on entry must be a string',
    ]);
    expect(printed(compileYaml(`rules:\n  - name: x\n    on: GitHub.Push\n    ${notify}\n`))).toEqual([
      'rules/test.yaml:3:9: event types are lowercase: use "github.push"',
    ]);
  });

  it('reports an invalid cron with the failing field', () => {
    const result = compileYaml(`rules:\n  - name: report\n    schedule: "0 25 * * MON"\n    ${notify}\n`);
    expect(printed(result)[0]).toMatch(/^rules\/test\.yaml:3:15: invalid cron "0 25 \* \* MON": 25 is a invalid expression for hour/);
  });

  it('reports a template syntax error at the spot inside the YAML value', () => {
    const result = compileYaml(
      `rules:\n  - name: x\n    on: github.push\n    do:\n      - notify: { channel: eng, text: "pushed by {{actor" }\n`,
    );
    expect(printed(result)[0]).toMatch(/^rules\/test\.yaml:5:\d+: notify: template syntax error: /);
    const col = result.diagnostics[0]?.col ?? 0;
    expect(col).toBeGreaterThan(40);
  });

  it('reports unknown channels and connectors with suggestions', () => {
    const result = compileYaml(
      `rules:\n  - name: x\n    on: github.push\n    from: [githb]\n    do: [{ notify: { channel: engg, text: hi } }]\n`,
    );
    expect(printed(result)).toEqual([
      'rules/test.yaml:4:12: from: unknown connector "githb" (did you mean "github"?); connectors in hookhub.yaml: github, stripe, billing',
      'rules/test.yaml:5:31: notify: unknown channel "engg" (did you mean "eng"?); channels in hookhub.yaml: eng, payments, releases, ops, community',
    ]);
  });

  it('reports unknown action types and params against the action schema', () => {
    const result = compileYaml(
      `rules:\n  - name: x\n    on: github.push\n    do:\n      - notfy: { channel: eng, text: hi }\n      - notify: { chanel: eng, text: 5 }\n`,
    );
    expect(printed(result)).toEqual([
      'rules/test.yaml:5:9: unknown action type "notfy" (did you mean "notify"?); available: notify, webhook',
      'rules/test.yaml:6:17: notify: missing required key "channel"',
      'rules/test.yaml:6:19: notify: unknown key "chanel" (did you mean "channel"?)',
      'rules/test.yaml:6:38: notify: "text" must be a string, got the number 5',
    ]);
  });

  it('collects every problem in every rule instead of stopping at the first', () => {
    const result = compileYaml(`rules:
  - name: Bad Name
    on: github.push
    wehn: { data.x: 1 }
    do: []
  - name: ok
    on: github.push
    ${notify}
  - on: github.push
    schedule: "* * * * *"
    ${notify}
`);
    expect(printed(result)).toEqual([
      expect.stringMatching(/^rules\/test\.yaml:2:11: name uses lowercase letters/),
      'rules/test.yaml:4:5: unknown rule key "wehn" (did you mean "when"?); rule keys: name, description, enabled, on, from, when, do, schedule, timezone, throttle, group, mute, activeHours',
      'rules/test.yaml:5:9: do needs at least one action',
      'rules/test.yaml:9:5: rule is missing its name',
      'rules/test.yaml:10:15: a rule has either on: (events) or schedule: (cron), not both',
    ]);
    expect(result.ruleSet.rules.map((r) => r.name)).toEqual(['ok']);
  });

  it('warns about a rule that can never match', () => {
    const result = compileYaml(`rules:
  - name: a
    on: [github, githb.push, stripe.charge.*]
    from: github
    ${notify}
`);
    expect(result.ok).toBe(true);
    expect(printed(result)).toEqual([
      'rules/test.yaml:3:10: warning: "github" can never match: event types have at least two segments (<provider>.<event>); did you mean "github.**"?',
      'rules/test.yaml:3:18: warning: "githb.push" can never match: from: github only produce github events',
      'rules/test.yaml:3:30: warning: "stripe.charge.*" can never match: from: github only produce github events',
    ]);
  });

  it('names the event prefixes the configured connectors produce, for a glob none of them can', () => {
    const result = compileYaml(`rules:
  - name: a
    on: githb.push
    ${notify}
`);
    expect(printed(result)).toEqual([
      'rules/test.yaml:3:9: warning: "githb.push" can never match: no configured connector produces githb.* events (they produce github.*, stripe.*, standard-webhooks.*) (did you mean "github"?)',
    ]);
  });

  it('warns about a GitHub event or action that GitHub never sends, at the glob', () => {
    const result = compileYaml(`rules:
  - name: a
    on:
      - github.issuse.opened
      - github.pull_request.opend
      - github.push.created
      - github.pull_request
      - github.issues.opened.x
    ${notify}
`);
    expect(result.ok).toBe(true);
    expect(printed(result)).toEqual([
      'rules/test.yaml:4:9: warning: "github.issuse.opened" can never match: GitHub sends no "issuse" event (did you mean "issues"?)',
      'rules/test.yaml:5:9: warning: "github.pull_request.opend" can never match: GitHub sends no "opend" action for pull_request events (did you mean "opened"?)',
      `rules/test.yaml:6:9: warning: "github.push.created" can never match: GitHub's push events have no action: use "github.push"`,
      `rules/test.yaml:7:9: warning: "github.pull_request" can never match: GitHub's pull_request events always have an action: use "github.pull_request.*" to take them all`,
      'rules/test.yaml:8:9: warning: "github.issues.opened.x" can never match: GitHub event types end at the action: github.issues.<action>',
    ]);
  });

  it('takes every GitHub event type the connector makes from its fixtures, and wildcards, without a warning', async () => {
    const fixtures = (await readdir(new URL('../../../connectors/github/fixtures/', import.meta.url))).filter((f) => f.endsWith('.json'));
    const types = await Promise.all(
      fixtures.map(async (file) => {
        const name = file.replace(/\.json$/, '');
        return githubEventType(name.split('.')[0] ?? name, await loadGithubFixture(name));
      }),
    );
    expect(types).toEqual(expect.arrayContaining(['github.ping', 'github.push', 'github.pull_request.opened']));
    const globs = [
      ...types,
      'github.pull_request.*',
      'github.*.opened',
      'github.issues.**',
      'github.**',
      'github.repository_dispatch.deploy_now',
    ];
    const result = compileYaml(`rules:\n  - name: a\n    on: [${globs.join(', ')}]\n    ${notify}\n`);
    expect(printed(result)).toEqual([]);
  });

  it('warns about a destination URL in the rule that the SSRF guard will refuse, until delivery.allowlist allows it', () => {
    const yaml = `rules:
  - name: a
    on: github.push
    do:
      - webhook: { url: "http://127.0.0.1:9999/hook" }
      - webhook: { url: "http://169.254.169.254/latest/meta-data" }
      - webhook: { url: "http://localhost:3000/x" }
      - webhook: { url: "https://hooks.example.com/x" }
      - webhook: { url: "http://{{data.host}}/x" }
      - webhook: { url: "\${LOCAL_HOOK}" }
`;
    const context = { ...testContext, registry: actions, vars: { LOCAL_HOOK: 'http://127.0.0.1/env' } };
    const hint = (host: string) =>
      `; to send to it, list "${host}" in delivery.allowlist in hookhub.yaml and restart (docs/actions.md#ssrf-guard)`;
    const guarded = compileYaml(yaml, { ...context, network: {} });
    expect(guarded.ok).toBe(true);
    expect(printed(guarded)).toEqual([
      `rules/test.yaml:5:25: warning: webhook: the SSRF guard will refuse this url at delivery: 127.0.0.1 is a loopback address${hint('127.0.0.1')}`,
      'rules/test.yaml:6:25: warning: webhook: the SSRF guard will refuse this url at delivery: 169.254.169.254 is a linkLocal address',
      `rules/test.yaml:7:25: warning: webhook: the SSRF guard will refuse this url at delivery: "localhost" is loopback${hint('localhost')}`,
    ]);
    const allowed = compileYaml(yaml, { ...context, network: { allow: ['127.0.0.1', 'localhost'] } });
    expect(printed(allowed)).toEqual([
      'rules/test.yaml:6:25: warning: webhook: the SSRF guard will refuse this url at delivery: 169.254.169.254 is a linkLocal address',
    ]);
  });

  it('warns about a template path outside the event (the payload is under data)', () => {
    const result = compileYaml(`rules:
  - name: a
    on: github.push
    do:
      - notify: { channel: eng, text: "{{pull_request.title}} {{#each data.commits}}{{message}}{{/each}} {{title}}" }
`);
    expect(result.ok).toBe(true);
    expect(printed(result)).toEqual([
      expect.stringMatching(
        /^rules\/test\.yaml:5:42: warning: notify: "pull_request\.title" reads nothing: .*did you mean data\.pull_request\.title\?$/,
      ),
    ]);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    let bomb = 'x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (let i = 0; i < 9; i++)
      bomb += `x-b${i}: &b${i} [${Array(9)
        .fill(i === 0 ? '*a' : `*b${i - 1}`)
        .join(', ')}]\n`;
    const result = compileYaml(`${bomb}rules: []\n`);
    expect(printed(result)).toEqual([expect.stringMatching(/^rules\/test\.yaml:1:1: too many alias expansions .* alias bomb/)]);
  });

  it('counts aliases before expanding any: many small ones are refused too', () => {
    // 4 anchors x 10,000 aliases: each expansion is small, but resolving them all took 13 s.
    let text = 'x-a: &a [x]\nx-b: &b [y]\nx-c: &c [z]\nx-d: &d [w]\nx-list:\n';
    for (let i = 0; i < 10_000; i++) text += '  - [*a, *b, *c, *d]\n';
    const result = compileYaml(`${text}rules: []\n`);
    expect(printed(result)).toEqual(['rules/test.yaml:1:1: 40000 aliases (*name): at most 1000 per file, refusing a possible alias bomb']);
  });

  it('keeps legitimate anchors, aliases and merge keys working', () => {
    const result = compileYaml(`x-eng: &eng { channel: eng }
rules:
  - name: a
    on: github.push
    do:
      - notify: { <<: *eng, text: "push by {{actor}}" }
`);
    expect(printed(result)).toEqual([]);
    const rendered = result.ruleSet.rules[0]?.actions[0]?.render(event({ type: 'github.push', actor: 'octo' }), {
      now: new Date(),
      rule: 'a',
    });
    expect({ ...rendered }).toEqual({ channel: 'eng', text: 'push by octo' });
  });

  // Speed belongs in `npm run bench` (rule matching); this checks that a 10 MB file loads and matches.
  it('loads a 10 MB rules file, and matches through it', () => {
    const parts = ['rules:\n'];
    let size = 7;
    for (let i = 0; size < 10 * 1024 * 1024; i++) {
      const rule = `  - name: rule-${i}\n    on: github.pull_request.opened\n    when:\n      data.repository.full_name: { $in: [acme/api${i}] }\n    do:\n      - notify: { channel: eng, text: "PR {{title}} by {{actor}} #${i}" }\n`;
      parts.push(rule);
      size += rule.length;
    }
    const result = compileYaml(parts.join(''));
    expect(result.ok).toBe(true);
    expect(result.ruleSet.rules.length).toBeGreaterThan(40_000);
    const matched = result.ruleSet.match(event({ type: 'github.pull_request.opened', data: { repository: { full_name: 'acme/api7' } } }));
    expect(matched.map((r) => r.name)).toEqual(['rule-7']);
  }, 240_000);

  it('a when path that does not exist means no match, never a crash', () => {
    const result = compileYaml(`rules:
  - name: deep
    on: github.**
    when:
      data.pull_request.head.repo.owner.login: { $in: [acme] }
      data.missing.list.name: { $nin: [x] }
    ${notify}
`);
    expect(result.ok).toBe(true);
    const verdicts = result.ruleSet.explain(event({ type: 'github.push', data: { pull_request: null } }));
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]).toMatchObject({
      outcome: 'skipped',
      reason: 'when',
      failed: [{ clause: 'data.pull_request.head.repo.owner.login', actual: undefined }],
    });
  });
});

describe('loadRuleSet (files and folders)', () => {
  let dir: string;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads *.yaml and *.yml in name order, skipping hidden and backup files', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hookhub-rules-'));
    const rule = (n: string) => `rules:\n  - name: ${n}\n    on: github.push\n    ${notify}\n`;
    await writeFile(join(dir, 'b.yml'), rule('b'));
    await writeFile(join(dir, 'a.yaml'), rule('a'));
    await writeFile(join(dir, '.a.yaml.swp'), 'garbage: [');
    await writeFile(join(dir, 'a.yaml~'), 'garbage: [');
    const result = await loadRuleSet(dir, testContext);
    expect(result.diagnostics).toEqual([]);
    expect(result.ruleSet.rules.map((r) => r.name)).toEqual(['a', 'b']);
  });

  it('reports a missing path as a diagnostic', async () => {
    const result = await loadRuleSet('/nonexistent/rules', testContext);
    expect(result.ok).toBe(false);
    expect(printed(result)).toEqual(['/nonexistent/rules:1:1: no such file or folder']);
  });
});
