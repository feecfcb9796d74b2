import { describe, expect, it } from 'vitest';
import { findRefusedChannels } from '../../../src/config/channel-destinations.ts';
import { readEnv } from '../../../src/config/env.ts';
import { parseConfig } from '../../../src/config/load-config.ts';

function refusedIn(delivery: string): { where: string; problem: string }[] {
  const yaml = `connectors: {}
channels:
  team: { type: slack, url: https://hooks.slack.com/services/T0/B0/x }
  local-chat: { type: mattermost, url: http://127.0.0.1:8065/hooks/abc }
  internal-mail: { type: email, smtp: { host: 10.0.0.5 }, from: hub@example.com, to: ops@example.com }
  metadata: { type: discord, url: http://169.254.169.254/latest }
  named: { type: teams, url: https://teams.internal.example/hook }
${delivery}`;
  const config = parseConfig('/tmp/hookhub.yaml', yaml, readEnv({}));
  return findRefusedChannels(config).map(({ where, refusal }) => ({ where, problem: refusal.problem }));
}

describe('channels the SSRF guard will refuse at delivery', () => {
  it('are found by IP address, loopback, private and metadata alike, and a public or named host is left to DNS', () => {
    const refused = refusedIn('');
    expect(refused.map((r) => r.where)).toEqual(['channels.local-chat.url', 'channels.internal-mail.smtp.host', 'channels.metadata.url']);
  });

  it('are judged against delivery.allowlist: an allowed host is no longer reported, metadata in an allowed range still is', () => {
    const refused = refusedIn('delivery: { allowlist: [127.0.0.1, 10.0.0.0/8, 169.254.0.0/16] }');
    expect(refused.map((r) => r.where)).toEqual(['channels.metadata.url']);
  });
});
