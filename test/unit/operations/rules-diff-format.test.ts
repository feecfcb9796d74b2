import { describe, expect, it } from 'vitest';
import { formatDiffMarkdown, formatDiffText } from '../../../src/operations/rules-diff-format.ts';
import type { RulesDiff } from '../../../src/operations/rules-diff.ts';

const SLACK_TOKEN_PATH = 'services/T0001/B0001/xoxbsecretpart1234';

function diffWithRender(before: Record<string, unknown>, after: Record<string, unknown>): RulesDiff {
  return {
    tried: 1,
    stoppedEarly: false,
    rules: [
      {
        rule: 'to-ops',
        where: 'rules/ops.yaml:3',
        change: 'changed',
        counts: { nowMatch: 0, noLongerMatch: 0, renderChanged: 1 },
        nowMatch: [],
        noLongerMatch: [],
        renderChanged: [
          {
            event: { id: 'evt-1', type: 'github.push', subject: 'acme/api', received: '2026-03-02T08:00:00.000Z' },
            before: [{ action: 'webhook', params: before }],
            after: [{ action: 'webhook', params: after }],
          },
        ],
      },
    ],
  } as unknown as RulesDiff;
}

describe('the rules diff summary posted to a pull request', () => {
  it("masks a rendered webhook URL's path: a ${VAR} token must not reach the check run", () => {
    const diff = diffWithRender(
      { url: `https://hooks.slack.com/${SLACK_TOKEN_PATH}` },
      { url: `https://hooks.slack.com/${SLACK_TOKEN_PATH}x` },
    );
    const markdown = formatDiffMarkdown(diff, { base: 'main', head: 'pr' });
    expect(markdown).toContain(`rendered params changed: url: "https://hooks.slack.com/[redacted, ${SLACK_TOKEN_PATH.length} chars]"`);
    expect(markdown).not.toContain('xoxbsecretpart');
    // The operator's own terminal still shows what was rendered.
    expect(formatDiffText(diff, { base: 'main', head: 'pr' })).toContain(SLACK_TOKEN_PATH);
  });

  it('masks a secret-named param but still reports that it changed', () => {
    const diff = diffWithRender(
      { url: 'https://ci.example.com/hook', secret: 'whsec_old_value' },
      { url: 'https://ci.example.com/hook', secret: 'whsec_new_value_2' },
    );
    const markdown = formatDiffMarkdown(diff, { base: 'main', head: 'pr' });
    expect(markdown).toContain('secret: "[redacted, 15 chars]" → "[redacted, 17 chars]"');
    expect(markdown).not.toContain('whsec_');
  });
});
