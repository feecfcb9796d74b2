import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../src/rules/diagnostics.ts';
import { compileRuleSources } from '../../../src/rules/compile-rule-sources.ts';
import { event, testContext } from './test-context.ts';

const FILE = `rules:
  - name: upgrade
    on: stripe.payment_intent.succeeded
    do:
      - webhook: { url: \${UPGRADE_URL}, secret: \${UPGRADE_SECRET:-whsec_ZGVmYXVsdA==} }
`;

describe('${VAR} in rule files', () => {
  it('reads values from the environment it is given, with defaults', () => {
    const result = compileRuleSources([{ file: 'rules/pay.yaml', text: FILE }], {
      ...testContext,
      vars: { UPGRADE_URL: 'https://api.acme.test/upgrade' },
    });
    expect(result.ok).toBe(true);
    const params = result.ruleSet.rules[0]?.actions[0];
    expect(JSON.stringify(params)).toContain('https://api.acme.test/upgrade');
    expect(JSON.stringify(params)).toContain('whsec_ZGVmYXVsdA==');
  });

  it('reports an unset variable at its file:line:col, by name', () => {
    const result = compileRuleSources([{ file: 'rules/pay.yaml', text: FILE }], { ...testContext, vars: {} });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map(formatDiagnostic)).toContain(
      'rules/pay.yaml:5:25: environment variable UPGRADE_URL is not set (set it, or write ${UPGRADE_URL:-default})',
    );
  });

  it('says a variable set to "" is empty, not unset', () => {
    const result = compileRuleSources([{ file: 'rules/pay.yaml', text: FILE }], { ...testContext, vars: { UPGRADE_URL: '' } });
    expect(result.diagnostics.map(formatDiagnostic)).toContain(
      'rules/pay.yaml:5:25: environment variable UPGRADE_URL is set but empty (give it a value, or write ${UPGRADE_URL:-default}, which an empty value also falls back from)',
    );
  });

  it('turns an interpolated "true" / "false" into enabled, as hookhub.yaml does for its booleans', () => {
    const text = (enabled: string) =>
      `rules:\n  - name: flagged\n    enabled: ${enabled}\n    on: github.push\n    do: [{ notify: { channel: eng, text: hi } }]\n`;
    const flagged = (vars: Record<string, string>) =>
      compileRuleSources([{ file: 'rules/flag.yaml', text: text('${FEATURE_X:-false}') }], { ...testContext, vars });
    expect(flagged({}).ruleSet.rules[0]?.enabled).toBe(false);
    expect(flagged({ FEATURE_X: 'true' }).ruleSet.rules[0]?.enabled).toBe(true);
    const wrong = compileRuleSources([{ file: 'rules/flag.yaml', text: text('"yes please"') }], testContext);
    expect(wrong.diagnostics.map(formatDiagnostic)).toContain('rules/flag.yaml:3:14: enabled must be true or false');
  });

  it('reads a whole ${VAR} in when: as YAML reads the value written there, so numbers compare with numbers', () => {
    const text = `rules:
  - name: big-live-payment
    on: stripe.payment_intent.succeeded
    when:
      data.amount: { $gte: \${MIN_AMOUNT:-1000} }
      data.livemode: \${LIVE_ONLY:-true}
      data.currency: { $in: [\${CURRENCY:-usd}, "\${OTHER_CURRENCY:-42}"] }
      data.description: { $regex: \${ORDER_PATTERN:-123} }
    do: [{ notify: { channel: payments, text: "{{data.amount}}" } }]
`;
    const result = compileRuleSources([{ file: 'rules/pay.yaml', text }], { ...testContext, vars: { MIN_AMOUNT: '5000' } });
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    const rule = result.ruleSet.rules[0];
    const payment = (amount: number, currency = 'usd') =>
      event({ type: 'stripe.payment_intent.succeeded', data: { amount, livemode: true, currency, description: 'order 123' } });
    expect(rule?.check(payment(7500)).ok).toBe(true);
    expect(rule?.check(payment(4999)).ok).toBe(false);
    // Quoted, the value stays text, as it would written out.
    expect(rule?.check(payment(7500, '42')).ok).toBe(true);
  });

  it('compares a ${VAR} for equality with the text and the number alike, and keeps text that is no plain number', () => {
    const text = `rules:
  - name: guild
    on: github.**
    when:
      data.guild_id: \${GUILD_ID}
      data.shard: { $in: [\${SHARD}] }
      data.region: { $ne: \${BLOCKED_REGION} }
      data.from: \${PHONE}
      data.code: \${CODE}
    do: [{ notify: { channel: payments, text: hi } }]
`;
    const vars = { GUILD_ID: '4242', SHARD: '3', BLOCKED_REGION: '9', PHONE: '+15551234567', CODE: '007' };
    const result = compileRuleSources([{ file: 'rules/guild.yaml', text }], { ...testContext, vars });
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    const rule = result.ruleSet.rules[0];
    const interaction = (data: Record<string, unknown>) =>
      rule?.check(
        event({ type: 'discord.interaction', data: { guild_id: '4242', shard: 3, region: 1, from: '+15551234567', code: '007', ...data } }),
      ).ok;
    expect(interaction({})).toBe(true);
    expect(interaction({ guild_id: 4242, shard: '3', region: '1' })).toBe(true);
    expect(interaction({ guild_id: '4243' })).toBe(false);
    expect(interaction({ region: 9 })).toBe(false);
    expect(interaction({ region: '9' })).toBe(false);
    expect(interaction({ from: 15551234567 })).toBe(false);
    expect(interaction({ code: 7 })).toBe(false);
  });
});
