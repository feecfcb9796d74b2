import { z } from 'zod';

const EMPTY_SECRET = 'secret is empty — set the environment variable it comes from';

/** One signing secret: a non-empty string. */
export const SecretSchema = z.string({ error: 'secret must be a string' }).min(1, { error: EMPTY_SECRET });

/**
 * `secret: x` or `secret: [new, old]` in hookhub.yaml, always read as a list.
 * During a rotation every listed secret is accepted.
 */
export const SecretListSchema = z
  .union([SecretSchema, z.array(SecretSchema).min(1, { error: 'secret list is empty — give at least one secret' })], {
    error: 'secret must be a string or a list of strings',
  })
  .transform((value): string[] => (typeof value === 'string' ? [value] : value));

/** The secret `sign()` uses: the first listed, which is the newest during a rotation. */
export function signingSecret(secrets: readonly string[]): string {
  const [first] = secrets;
  if (first === undefined) throw new Error('connector has no secret to sign with');
  return first;
}
