import { z } from 'zod';
import { ToleranceSchema } from '../shared/timestamp.ts';
import { ed25519PublicKey } from './ed25519.ts';

const HEX_KEY = z.string().regex(/^[0-9a-fA-F]{64}$/, { error: 'expected 64 hex digits (a 32-byte Ed25519 key)' });

/** `connectors.<name>` for `type: discord`. Strict, so a typo is reported, not ignored. */
export const DiscordConfigSchema = z.strictObject({
  type: z.literal('discord'),
  /** The application's Public Key (Developer Portal → General Information). */
  publicKey: HEX_KEY.refine(isUsablePublicKey, { error: 'publicKey is not a valid Ed25519 public key' }),
  /**
   * Only for tests and `hookhub trigger`: an Ed25519 seed whose public key is `publicKey`.
   * Discord's own private key is never available, so real deployments leave this unset.
   */
  privateKey: HEX_KEY.optional(),
  /** How old `X-Signature-Timestamp` may be, in seconds. */
  tolerance: ToleranceSchema,
});

export type DiscordConfig = z.output<typeof DiscordConfigSchema>;

function isUsablePublicKey(hex: string): boolean {
  try {
    ed25519PublicKey(hex);
    return true;
  } catch {
    return false;
  }
}
