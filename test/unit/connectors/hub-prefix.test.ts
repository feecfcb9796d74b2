import { expect, it } from 'vitest';
import { readEnv } from '../../../src/config/env.ts';
import { parseConfig } from '../../../src/config/load-config.ts';

const FILE = '/etc/hookhub/hookhub.yaml';

function problems(block: string): string {
  try {
    parseConfig(FILE, `connectors:\n  vendor: ${block}\n`, readEnv({}));
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

it("refuses a connector that would send events typed as the hub's own (hookhub.job.dead_lettered …), which rules on hookhub.* take for the hub's own", () => {
  expect(problems('{ type: generic, provider: hookhub, verify: { apiKey: { header: x-key, secret: k } } }')).toMatch(
    /\/etc\/hookhub\/hookhub\.yaml:2:\d+: provider may not be hookhub: hookhub\.\* event types are the hub's own \(meta-events, scheduled ticks\); name the sender/,
  );
  expect(
    problems('{ type: standard-webhooks, provider: HookHub, secret: whsec_ZGV2LWJpbGxpbmctc2VjcmV0LWF0LWxlYXN0LTMyLWJ5dGVz }'),
  ).toMatch(/\/etc\/hookhub\/hookhub\.yaml:2:\d+: provider may not be hookhub/);
  expect(problems('{ type: generic, provider: hookhubber, verify: { apiKey: { header: x-key, secret: k } } }')).toBe('');
});
