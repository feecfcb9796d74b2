import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actions } from '../../../src/actions/index.ts';
import { compileRuleSources } from '../../../src/rules/compile-rule-sources.ts';
import { loadRuleEnvValues } from '../../../src/rules/rule-env-values.ts';
import { tempDir } from '../../helpers/hub-fixtures.ts';

const TEXT = `rules:
  - name: page
    on: github.push
    do:
      - webhook: { url: "https://example.com/\${HOOK_PATH}", body: { key: "\${PD_KEY}", team: "\${TEAM:-eng}", other: "\${MISSING}" } }
`;

describe('loadRuleEnvValues', () => {
  it('reads from the text what the compiled rules hold as envValues, and names the unset variables without a default', async () => {
    const dir = tempDir('hookhub-env-values-');
    writeFileSync(join(dir, 'page.yaml'), TEXT);
    writeFileSync(join(dir, 'broken.yaml'), 'rules: [ { name: "${BROKEN_KEY}"');
    const vars = { HOOK_PATH: 'services/T/B/X', PD_KEY: 'pd-key-0123456789', BROKEN_KEY: 'broken-key-0123' };
    const found = await loadRuleEnvValues(dir, vars);
    expect(found.values.sort()).toEqual(['broken-key-0123', 'pd-key-0123456789', 'services/T/B/X']);
    expect(found.unset).toEqual(['MISSING']);
    expect(found.diagnostics).toEqual([]);
    const compiled = compileRuleSources([{ file: 'page.yaml', text: TEXT }], {
      registry: actions,
      channels: [],
      connectors: [],
      vars: { ...vars, MISSING: 'x' },
    });
    expect([...(compiled.ruleSet.rules[0]?.envValues ?? [])].sort()).toEqual(['pd-key-0123456789', 'services/T/B/X', 'x']);
  });

  it('takes no variable from a comment, but does from every kind of value that starts with or holds #', async () => {
    const dir = tempDir('hookhub-env-comments-');
    const text = [
      '# Signed when set; ${IN_COMMENT} comes from the environment, as in hookhub.yaml.',
      'rules: # ${AFTER_KEY}',
      '  - name: page',
      '    on: github.push',
      '    do:',
      '      - webhook:',
      '          url: https://example.com/a#${IN_PLAIN}  # ${AFTER_VALUE}',
      '          headers: { X-Key: ${IN_FLOW}, X-Q: "#${IN_QUOTES}" }',
      '          body: |',
      '            #${IN_BLOCK}',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'page.yaml'), text);
    const found = await loadRuleEnvValues(dir, { IN_COMMENT: 'commented-0123' });
    expect(found.unset).toEqual(['IN_BLOCK', 'IN_FLOW', 'IN_PLAIN', 'IN_QUOTES']);
    expect(found.values).toEqual([]);
  });

  it('reports a folder it cannot read', async () => {
    const found = await loadRuleEnvValues(join(tempDir(), 'nowhere'), {});
    expect(found.values).toEqual([]);
    expect(found.diagnostics[0]?.message).toBe('no such file or folder');
  });
});
