/**
 * `${VAR}` in a rule file always gives a string. Where a number or a boolean is expected, the numeral
 * or "true" / "false" it gives is read as one, as hookhub.yaml does; anything else gets the message a
 * wrong YAML value gets.
 */
import { describe, expect, it } from 'vitest';
import { actions } from '../../../src/actions/index.ts';
import { compileRuleSources } from '../../../src/rules/compile-rule-sources.ts';
import { formatDiagnostic } from '../../../src/rules/diagnostics.ts';
import type { RulesContext } from '../../../src/rules/rule.ts';
import { testContext } from './test-context.ts';

const context: RulesContext = { ...testContext, registry: actions };

function compile(rule: string, vars: Record<string, string> = {}) {
  const text = `rules:\n  - name: r\n    on: github.push\n${rule}`;
  return compileRuleSources([{ file: 'rules/r.yaml', text }], { ...context, vars });
}

const notify = '    do: [{ notify: { channel: eng, text: hi } }]\n';

describe('numbers and booleans from ${VAR} in rule files', () => {
  it('reads throttle.max from an interpolated numeral', () => {
    const rule = `    throttle: { max: \${N:-20}, per: 1h }\n${notify}`;
    expect(compile(rule).diagnostics).toEqual([]);
    expect(compile(rule).ruleSet.rules[0]?.noise?.throttle?.max).toBe(20);
    expect(compile(rule, { N: '5' }).ruleSet.rules[0]?.noise?.throttle?.max).toBe(5);
  });

  const maxMessages = (max: string) => compile(`    throttle: { max: ${max}, per: 1h }\n${notify}`).diagnostics.map(formatDiagnostic);

  it.each(['lots', '0'])('refuses max: %s from ${VAR} with the message the same YAML value gets', (value) => {
    expect(maxMessages(`\${N:-${value}}`)).toEqual(maxMessages(value));
    expect(maxMessages(value)).toHaveLength(1);
  });

  it('checks an interpolated numeral as the number it reads', () => {
    expect(maxMessages('${N:-2.5}')).toEqual([expect.stringMatching(/^rules\/r\.yaml:4:22: "max" must be an? int/)]);
  });

  it.each([
    [
      'webhook delivery settings',
      'webhook: { url: https://x.test, concurrency: ${C:-4}, retry: { attempts: ${A:-3}, factor: ${F:-2}, jitter: ${J:-0.5} }, rateLimit: { rate: ${R:-10}, burst: ${B:-20} }, circuitBreaker: { failures: ${CB:-5} } }',
    ],
    ['notify fields', 'notify: { channel: eng, text: hi, fields: [{ title: a, value: b, short: ${SHORT:-true} }] }'],
    ['ci crumb', 'ci: { provider: jenkins, url: https://ci.test, job: j, user: u, token: t, crumb: ${CRUMB:-false} }'],
    [
      'crosspost',
      'crosspost: { platform: mastodon, instance: https://m.test, token: t, text: hi, dryRun: ${DRY:-true}, sensitive: ${S:-false}, maxLength: ${MAX:-300} }',
    ],
  ])('reads %s from interpolated values', (_what, action) => {
    expect(compile(`    do:\n      - ${action}\n`).diagnostics.map(formatDiagnostic)).toEqual([]);
  });

  it('reads report numbers from interpolated values', () => {
    const rule = `    do:\n      - report: { title: t, template: weekly-engineering-digest, window: 7d, channel: eng, maxEvents: \${MAX:-500}, metrics: { m: { groupBy: subject, top: \${TOP:-5} } } }\n`;
    expect(compile(rule).diagnostics.map(formatDiagnostic)).toEqual([]);
  });

  it('refuses a string that is no boolean with the message a YAML string gets', () => {
    const messages = (short: string) =>
      compile(`    do:\n      - notify: { channel: eng, text: hi, fields: [{ title: a, value: b, short: ${short} }] }\n`).diagnostics.map(
        formatDiagnostic,
      );
    expect(messages('${S:-yes}')).toEqual(['rules/r.yaml:5:81: notify: "fields.0.short" must be a boolean, got the string "yes"']);
    expect(messages('${S:-yes}')).toEqual(messages('yes'));
  });
});
