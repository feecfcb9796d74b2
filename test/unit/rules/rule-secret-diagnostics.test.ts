/** Rule diagnostics are logged and sent in the reload meta-event: a wrong secret is described, never quoted. */
import { describe, expect, it } from 'vitest';
import { actions } from '../../../src/actions/index.ts';
import { compileRuleSources } from '../../../src/rules/compile-rule-sources.ts';
import { formatDiagnostic } from '../../../src/rules/diagnostics.ts';
import { testContext } from './test-context.ts';

function messages(action: string): string[] {
  const text = `rules:\n  - name: r\n    on: github.push\n    do: [{ ${action} }]\n`;
  return compileRuleSources([{ file: 'rules/r.yaml', text }], { ...testContext, registry: actions }).diagnostics.map(formatDiagnostic);
}

describe('a rule file diagnostic about a secret', () => {
  it('names the type of a wrong token, not its value', () => {
    const found = messages('ci: { provider: jenkins, url: https://ci.test, job: j, user: u, token: 987654321 }');
    expect(found).toEqual([expect.stringMatching(/"token" must be a string, got a number$/)]);
    expect(found.join('\n')).not.toContain('987654321');
  });

  it('still quotes a wrong value that is not a secret', () => {
    expect(messages('notify: { channel: 12345, text: hi }')).toEqual([
      expect.stringMatching(/"channel" must be a string, got the number 12345$/),
    ]);
  });

  it('says "an integer", not "a int"', () => {
    expect(messages('webhook: { url: https://x.test, concurrency: 2.5 }').join('\n')).not.toContain('a int');
  });
});
