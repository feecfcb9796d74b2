import { describe, expect, it } from 'vitest';
import { createConnectorActivity } from '../../../src/api/connector-activity.ts';
import { parseConfig } from '../../../src/config/load-config.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';
import { DEFAULT_HEADER_POLICY, headerPolicyFor, redactHeaders } from '../../../src/operations/header-policy.ts';

const yaml = `connectors:
  partner:
    type: generic
    provider: partner
    verify: { apiKey: { header: X-Partner-Key, secret: partner-key-0123456789 } }
    idFrom: { header: X-Partner-Delivery }
  signed:
    type: generic
    provider: signed
    verify: { hmac: { header: X-Sig, secret: signed-secret-0123456789, idHeader: X-Signed-Id, signedContent: "{id}.{body}" } }
`;
const config = parseConfig('/tmp/hookhub.yaml', yaml, { vars: {} });

describe('request headers shown to viewers', () => {
  it('hides the header a generic connector takes its API key from (it has no secret-like name)', () => {
    const activity = createConnectorActivity({ connectors: ['partner'], headerPolicy: headerPolicyFor(config.connectors) });
    const headers = { 'x-partner-key': 'partner-key-0123456789', 'x-partner-delivery': 'p-1', 'content-type': 'application/json' };
    activity.observe({ connector: 'partner', method: 'POST', status: 202, headers, time: new Date(0), durationMs: 1 });
    const view = activity.counts('partner').lastAccepted;
    expect(view?.headers).toEqual({
      'x-partner-key': '[redacted, 22 chars]',
      'x-partner-delivery': 'p-1',
      'content-type': 'application/json',
    });
    expect(JSON.stringify(view)).not.toContain('partner-key-0123456789');
    // The id header is allowlisted from the config, so the event page still finds its request.
    expect(activity.requestFor(createHubEvent({ id: 'p-1', type: 'partner.x', connector: 'partner', data: {} }))).toEqual(view);
    // A hidden header holding the same value does not count: only what the view shows can match.
    expect(
      activity.requestFor(createHubEvent({ id: 'partner-key-0123456789', type: 'partner.x', connector: 'partner', data: {} })),
    ).toBeUndefined();
  });

  it('shows only allowlisted values: an unknown header shows its length, never its value', () => {
    const policy = headerPolicyFor(config.connectors);
    expect(
      redactHeaders(
        { 'x-sig': 'abcd', 'x-signed-id': 'id-1', 'x-forwarded-for': '10.0.0.1', 'x-internal-note': 'hello', 'x-github-event': 'push' },
        policy,
      ),
    ).toEqual({
      'x-sig': '[redacted, 4 chars]',
      'x-signed-id': 'id-1',
      'x-forwarded-for': '[redacted, 8 chars]',
      'x-internal-note': '[redacted, 5 chars]',
      'x-github-event': 'push',
    });
  });

  it("never shows a provider's signature or token header, even when a config names it as an id header", () => {
    const odd = parseConfig(
      '/tmp/hookhub.yaml',
      `connectors:\n  odd: { type: generic, provider: odd, verify: { basic: { username: u, password: p-0123456789 } }, idFrom: { header: X-Gitlab-Token } }\n`,
      { vars: {} },
    );
    const policy = headerPolicyFor(odd.connectors);
    expect(redactHeaders({ 'x-gitlab-token': 'glt', 'X-Hub-Signature-256': 'sha256=00', authorization: 'Basic dTpw' }, policy)).toEqual({
      'x-gitlab-token': '[redacted, 3 chars]',
      'X-Hub-Signature-256': '[redacted, 9 chars]',
      authorization: '[redacted, 10 chars]',
    });
    expect(DEFAULT_HEADER_POLICY.show.has('x-gitlab-token')).toBe(false);
  });
});
