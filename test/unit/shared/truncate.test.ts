import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { truncate, truncateBytes } from '../../../src/shared/truncate.ts';

const isWellFormed = (s: string): boolean => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

describe('truncate', () => {
  it('leaves short text alone', () => {
    expect(truncate('hello', 5)).toBe('hello');
  });

  it('ends with an ellipsis within the limit, preferring a word boundary', () => {
    expect(truncate('the quick brown fox jumps', 12)).toBe('the quick…');
    expect(truncate('abcdefghijklmnop', 8)).toBe('abcdefg…');
  });

  it('never splits a surrogate pair', () => {
    expect(truncate('ab😀😀😀', 4)).toBe('ab…');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.integer({ min: 1, max: 80 }), (text, max) => {
        const out = truncate(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(isWellFormed(out)).toBe(true);
      }),
    );
  });

  it('truncateBytes fits a UTF-8 byte budget', () => {
    const out = truncateBytes('é'.repeat(100), 51);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(51);
    expect(out.endsWith('…')).toBe(true);
  });
});
