import { describe, expect, it } from 'vitest';
import { excerpt } from '../../../../src/subscriptions/cards/card.ts';

describe('card excerpts', () => {
  it('never cut an emoji in half', () => {
    // One long word with an emoji (two UTF-16 units) where the cut falls, with no space to back off to.
    const text = `${'a'.repeat(239)}😀${'b'.repeat(100)}`;
    const cut = excerpt(text, 280)!;
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(280);
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(cut)).toBe(false);
  });

  it('keeps short text and drops HTML comments', () => {
    expect(excerpt('Fixes <!-- template -->#12 ')).toBe('Fixes #12');
  });
});
