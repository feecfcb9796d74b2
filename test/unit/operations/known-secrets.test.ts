import { describe, expect, it } from 'vitest';
import { channelSecrets, createKnownSecrets, paramSecrets } from '../../../src/operations/known-secrets.ts';
import { createLiveSecrets } from '../../../src/operations/live-secrets.ts';
import { withForms } from '../../../src/operations/secret-forms.ts';
import type { Rule } from '../../../src/rules/rule.ts';

const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX';

describe('the secrets the hub knows', () => {
  it('of a channel: its URL after the host, user:password, header values, signing secret, SMTP password', () => {
    expect(channelSecrets({ type: 'slack', url: SLACK })).toEqual(['services/T000/B000/XXXXXXXXXXXX']);
    expect(channelSecrets({ type: 'webhook', url: 'https://bot:p%40ssw0rd-long@example.com/in?key=abcdefgh' }).sort()).toEqual(
      ['in?key=abcdefgh', 'p%40ssw0rd-long', 'p@ssw0rd-long'].sort(),
    );
    const webhook = {
      type: 'webhook',
      url: 'https://example.com/',
      headers: { 'X-Api-Team': 'team-key-0123', 'Content-Type': 'application/json' },
      secret: 'whsec_signing0123',
    };
    expect(channelSecrets(webhook).sort()).toEqual(['team-key-0123', 'whsec_signing0123']);
    const email = {
      type: 'email',
      smtp: { host: 'smtp.example.com', user: 'apikey', pass: 'smtp-password-0123' },
      from: 'a@b.c',
      to: 'd@e.f',
    };
    expect(channelSecrets(email)).toEqual(['smtp-password-0123']);
  });

  it("of a job's params: what viewers do not see of them, short values left out", () => {
    const params = {
      url: `${SLACK}?token=abcdefghijkl`,
      secret: ['whsec_one_0123456', 'whsec_two_0123456'],
      headers: { Authorization: 'Bearer tok-0123456789' },
      body: { note: 'shown' },
      token: 'short',
    };
    expect(paramSecrets('webhook', params).sort()).toEqual(
      ['Bearer tok-0123456789', 'services/T000/B000/XXXXXXXXXXXX?token=abcdefghijkl', 'whsec_one_0123456', 'whsec_two_0123456'].sort(),
    );
  });

  it("of the rules: their environment values with the config's, in all their forms, once per rule set", () => {
    const known = createKnownSecrets(channelSecrets({ type: 'slack', url: SLACK }));
    const ruleSet = { rules: [{ envValues: ['routing-key-0123', 'eng'] } as unknown as Rule] };
    expect(known(ruleSet)).toEqual(withForms(['routing-key-0123', 'services/T000/B000/XXXXXXXXXXXX']));
    expect(known(ruleSet)).toContain('services%2FT000%2FB000%2FXXXXXXXXXXXX');
    expect(known(ruleSet)).toContain(Buffer.from('routing-key-0123').toString('base64').slice(0, 21));
    expect(known(ruleSet)).not.toContain('eng');
    expect(known(ruleSet)).toBe(known(ruleSet));
  });

  it('with what the hub obtains while it runs (a GitHub App token): one new list per new value, none per call', () => {
    const live = createLiveSecrets();
    const known = createKnownSecrets(['config-secret-0123'], live);
    const ruleSet = { rules: [] as Rule[] };
    expect(known(ruleSet)).toEqual(withForms(['config-secret-0123']));
    live.add(['ghs_installation0123', 'short']);
    const after = known(ruleSet);
    expect([...after].sort()).toEqual(withForms(['config-secret-0123', 'ghs_installation0123']).sort());
    expect(known(ruleSet)).toBe(after);
    live.add(['ghs_installation0123']);
    expect(known(ruleSet)).toBe(after);
  });
});
