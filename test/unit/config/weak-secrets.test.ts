import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { findConnector } from '../../../connectors/index.ts';
import { readEnv } from '../../../src/config/env.ts';
import { parseConfig, type ConnectorConfig } from '../../../src/config/load-config.ts';
import { describeWeakSecret, findWeakSecrets } from '../../../src/config/weak-secrets.ts';
import { batteryConnectors } from '../../helpers/battery-connectors.ts';

const shipped = await readFile(new URL('../../../hookhub.yaml', import.meta.url), 'utf8');

/** Secrets in the shapes providers hand out: Slack signing secrets, Twilio auth tokens and Meta app secrets are 32 hex. */
const HEX_32 = '8f14e45fceea167a5a36dedd4bea2543';
const STRIPE_SHAPED = 'whsec_4eC39HqLyjWDarjtT1zdp7dc9aXbN0Qw';
const SVIX_SHAPED = `whsec_${Buffer.from('twenty-four-random-bytes').toString('base64')}`;

function connectors(blocks: Record<string, Record<string, unknown>>): Record<string, ConnectorConfig> {
  return Object.fromEntries(
    Object.entries(blocks).map(([name, block]) => [name, findConnector(String(block.type))!.configSchema.parse(block) as ConnectorConfig]),
  );
}

const weakOf = (blocks: Record<string, Record<string, unknown>>) =>
  findWeakSecrets({ connectors: connectors(blocks), developmentDefaults: [] });

describe('weak connector secrets', () => {
  it('finds a short chosen secret and a whsec_ secret with a short key, saying how long each is', () => {
    const weak = weakOf({
      github: { type: 'github', secret: 'hunter2' },
      billing: { type: 'standard-webhooks', secret: 'whsec_abc' },
    });
    expect(weak).toEqual([
      { where: 'connectors.github.secret', length: 7, unit: 'characters' },
      { where: 'connectors.billing.secret', length: 2, unit: 'bytes' },
    ]);
  });

  it('names the entry of a rotation list that is short, and passes the long one', () => {
    const weak = weakOf({ github: { type: 'github', secret: [HEX_32, 'old-secret'] } });
    expect(weak).toEqual([{ where: 'connectors.github.secret', length: 10, unit: 'characters', entry: { index: 2, count: 2 } }]);
  });

  it('passes the secrets providers generate: Stripe and Svix whsec_, Slack, Twilio and Meta 32 hex', () => {
    const weak = weakOf({
      stripe: { type: 'stripe', secret: STRIPE_SHAPED },
      resend: { type: 'standard-webhooks', secret: SVIX_SHAPED },
      slack: { type: 'slack', secret: HEX_32 },
      twilio: { type: 'twilio', authToken: HEX_32, publicUrl: 'https://hooks.example.com/hooks/twilio' },
      // verifyToken only answers Meta's subscription handshake: its length does not matter.
      meta: { type: 'meta', appSecret: HEX_32, verifyToken: 'verify-me' },
    });
    expect(weak).toEqual([]);
  });

  it('passes every connector type configured with a 32-hex secret, and finds every signing field set to hunter2', () => {
    const types = Object.keys(batteryConnectors);
    const blocks = (secret: string) => Object.fromEntries(types.map((type) => [type, batteryConnectors[type]!.config(secret)]));
    expect(weakOf(blocks(HEX_32))).toEqual([]);
    const flagged = weakOf(blocks('hunter2')).map((w) => w.where);
    expect(flagged).toContain('connectors.gitlab.signingToken');
    expect(flagged).toContain('connectors.generic.verify.hmac.secret');
    expect(flagged).toContain('connectors.twilio.authToken');
    expect(flagged).not.toContain('connectors.meta.verifyToken');
    // Discord signs with its own key pair; the hub holds only the public key.
    expect(new Set(flagged.map((where) => where.split('.')[1]))).toEqual(new Set(types.filter((type) => type !== 'discord')));
  });

  it('leaves the development defaults of the example config to the exposure check, and passes real secrets there', () => {
    const load = (vars: Record<string, string>) => parseConfig('/repo/hookhub.yaml', shipped, readEnv(vars));
    expect(findWeakSecrets(load({}))).toEqual([]);
    const real = load({ GITHUB_WEBHOOK_SECRET: HEX_32, STRIPE_WEBHOOK_SECRET: STRIPE_SHAPED, BILLING_WEBHOOK_SECRET: SVIX_SHAPED });
    expect(findWeakSecrets(real)).toEqual([]);
    const weak = load({ GITHUB_WEBHOOK_SECRET: 'hunter2' });
    expect(findWeakSecrets(weak).map((w) => w.where)).toEqual(['connectors.github.secret']);
  });

  it('says which setting, how long, and what to do, never the secret', () => {
    const [chosen, whsec] = weakOf({
      github: { type: 'github', secret: ['hunter2', HEX_32] },
      billing: { type: 'standard-webhooks', secret: 'whsec_abc' },
    }).map(describeWeakSecret);
    expect(chosen).toBe(
      'connectors.github.secret (entry 1 of 2) is 7 characters long: anyone holding one signed webhook can guess a secret this short offline, then forge webhooks. ' +
        'Replace it: use at least 32 random characters (openssl rand -hex 32), and set the same secret at the provider, then restart the hub',
    );
    expect(whsec).toMatch(
      /^connectors\.billing\.secret is a whsec_ secret of 2 key bytes: .* the one the sender generates, or whsec_ followed by openssl rand -base64 32, set the same at the sender/,
    );
    expect(`${chosen} ${whsec}`).not.toMatch(/hunter2|whsec_abc|abc/);
  });
});
