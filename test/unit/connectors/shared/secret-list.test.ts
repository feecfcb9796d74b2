import { describe, expect, it } from 'vitest';
import { SecretListSchema, signingSecret } from '../../../../connectors/shared/secret-list.ts';

describe('SecretListSchema', () => {
  it('reads one secret or a rotation list as a list', () => {
    expect(SecretListSchema.parse('s3cret')).toEqual(['s3cret']);
    expect(SecretListSchema.parse(['new', 'old'])).toEqual(['new', 'old']);
  });

  it('rejects an empty secret with a hint about the environment variable', () => {
    const result = SecretListSchema.safeParse('');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join('\n')).toContain('secret is empty — set the environment variable it comes from');
    const inList = SecretListSchema.safeParse(['ok', '']);
    expect(inList.error?.issues.map((i) => i.message).join('\n')).toContain('secret is empty');
  });

  it('rejects an empty list and non-strings', () => {
    expect(SecretListSchema.safeParse([]).success).toBe(false);
    expect(SecretListSchema.safeParse(42).success).toBe(false);
    expect(SecretListSchema.safeParse(undefined).success).toBe(false);
  });
});

describe('signingSecret', () => {
  it('is the first (newest) secret of the list', () => {
    expect(signingSecret(['new', 'old'])).toBe('new');
    expect(() => signingSecret([])).toThrow(/no secret/);
  });
});
