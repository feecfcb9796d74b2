import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../src/rules/diagnostics.ts';
import { compileRuleSources } from '../../../src/rules/compile-rule-sources.ts';
import { testContext } from './test-context.ts';

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
});
