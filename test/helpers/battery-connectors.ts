import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { refreshLinearSample } from '../../connectors/linear/fresh-sample.ts';

/** How the bad-input battery configures and exercises one connector type. */
export interface BatteryEntry {
  /** A valid hookhub.yaml block whose secrets are all derived from `secret`. */
  config: (secret: string) => Record<string, unknown>;
  /** The sample to send (default: the first of `connector.samples`); pick one that is not a handshake. */
  sample?: string;
  /** The status a valid delivery gets (default 202; connectors that must reply to every request differ). */
  accepted?: number;
  /** Makes a bundled sample valid now (e.g. a signed timestamp inside the body). */
  prepare?: (body: Buffer, now: Date) => Buffer;
  /**
   * The provider sends a shared token and signs nothing, so a changed body cannot be detected
   * (TLS protects it in transit); the "tampered" case changes the token instead.
   */
  tokenOnly?: boolean;
}

const whsec = (secret: string) => `whsec_${Buffer.from(secret).toString('base64')}`;

/** A deterministic Ed25519 key pair (hex seed and raw public key) derived from `secret`, for Discord. */
function ed25519Pair(secret: string): { privateKey: string; publicKey: string } {
  const seed = createHash('sha256').update(secret).digest();
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const jwk = createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' });
  return { privateKey: seed.toString('hex'), publicKey: Buffer.from(jwk.x ?? '', 'base64url').toString('hex') };
}

/**
 * One entry per registered connector type. The battery fails, naming the type, when a connector is
 * registered without an entry here, so every connector goes through it.
 */
export const batteryConnectors: Readonly<Record<string, BatteryEntry>> = {
  github: { config: (secret) => ({ type: 'github', secret }), sample: 'push' },
  stripe: { config: (secret) => ({ type: 'stripe', secret: `whsec_${secret}` }) },
  'standard-webhooks': { config: (secret) => ({ type: 'standard-webhooks', secret: whsec(secret) }) },
  razorpay: { config: (secret) => ({ type: 'razorpay', secret }) },
  slack: { config: (secret) => ({ type: 'slack', secret }), sample: 'app_mention' },
  // Both the token and the HMAC signing token, so a tampered body is caught too.
  gitlab: { config: (secret) => ({ type: 'gitlab', secret, signingToken: whsec(secret) }) },
  shopify: { config: (secret) => ({ type: 'shopify', secret }) },
  meta: { config: (secret) => ({ type: 'meta', appSecret: secret, verifyToken: `${secret}-verify` }) },
  // Discord signs with its own private key; the battery's sender holds one derived from the secret.
  // Every interaction is answered with an interaction response (200), after the event is stored.
  discord: { config: (secret) => ({ type: 'discord', ...ed25519Pair(secret) }), sample: 'application_command', accepted: 200 },
  // Twilio signs the public URL it calls; the battery's sender and the hub agree on this one.
  twilio: {
    config: (secret) => ({ type: 'twilio', authToken: secret, publicUrl: 'https://hooks.example.com/hooks/twilio' }),
    accepted: 204,
  },
  // Slash commands answer every request with a command response; only a token, no signature.
  mattermost: { config: (secret) => ({ type: 'mattermost', token: secret }), accepted: 200, tokenOnly: true },
  bitbucket: { config: (secret) => ({ type: 'bitbucket', secret }) },
  linear: { config: (secret) => ({ type: 'linear', secret }), prepare: refreshLinearSample },
  pagerduty: { config: (secret) => ({ type: 'pagerduty', secret }) },
  sentry: { config: (secret) => ({ type: 'sentry', secret }) },
  jira: { config: (secret) => ({ type: 'jira', secret }) },
  generic: {
    config: (secret) => ({
      type: 'generic',
      provider: 'battery',
      verify: {
        hmac: {
          header: 'X-Battery-Signature',
          prefix: 'sha256=',
          signedContent: '{id}.{timestamp}.{body}',
          timestampHeader: 'X-Battery-Timestamp',
          idHeader: 'X-Battery-Id',
          secret,
        },
      },
      typeFrom: { path: 'type' },
    }),
  },
};
