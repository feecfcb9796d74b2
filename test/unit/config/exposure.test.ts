import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { checkExposure, isLoopback } from '../../../src/config/exposure.ts';
import { readEnv } from '../../../src/config/env.ts';
import { parseConfig } from '../../../src/config/load-config.ts';

const shipped = await readFile(new URL('../../../hookhub.yaml', import.meta.url), 'utf8');
const load = (vars: Record<string, string>) => parseConfig('/repo/hookhub.yaml', shipped, readEnv(vars));

describe('safe by default', () => {
  it('binds loopback unless told otherwise, and starts there with the development secrets', () => {
    const config = load({});
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.developmentDefaults.map((d) => d.variable).sort()).toEqual([
      'BILLING_WEBHOOK_SECRET',
      'GITHUB_WEBHOOK_SECRET',
      'STRIPE_WEBHOOK_SECRET',
    ]);
    expect(() => checkExposure(config)).not.toThrow();
  });

  it('refuses a non-loopback address while any connector secret is a development default, naming the variables', () => {
    // An empty variable (docker-compose's `${X:-}`) is unset: the development default applies, and is refused.
    const config = load({ HOOKHUB_HOST: '0.0.0.0', GITHUB_WEBHOOK_SECRET: 'a-real-secret-0123456789', STRIPE_WEBHOOK_SECRET: '' });
    expect(() => checkExposure(config)).toThrow(/refusing to listen on 0\.0\.0\.0 with development secrets/);
    expect(() => checkExposure(config)).toThrow(
      /connectors\.stripe\.secret is the development default from the config file: set STRIPE_WEBHOOK_SECRET/,
    );
    expect(() => checkExposure(config)).toThrow(/Set STRIPE_WEBHOOK_SECRET, BILLING_WEBHOOK_SECRET to the real signing secrets/);
    // A generated secret is right where the user chooses it (GitHub); Stripe's must be the one Stripe shows.
    expect(() => checkExposure(config)).toThrow(/the ones set at each provider .*Stripe and Standard Webhooks senders show theirs/);
    expect(() => checkExposure(config)).not.toThrow(/GITHUB_WEBHOOK_SECRET/);
  });

  it('starts on any address once every secret comes from the environment', () => {
    const config = load({
      HOOKHUB_HOST: '0.0.0.0',
      GITHUB_WEBHOOK_SECRET: 'g'.repeat(32),
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
      BILLING_WEBHOOK_SECRET: 'whsec_ZGV2LWJpbGxpbmctc2VjcmV0LWF0LWxlYXN0LTMyLWJ5dGVY',
    });
    expect(config.developmentDefaults).toEqual([]);
    expect(() => checkExposure(config)).not.toThrow();
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '::', '10.0.0.5', 'hub.example.com'].map(isLoopback)).toEqual([false, false, false, false]);
  });
});
