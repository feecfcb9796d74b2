import { describe, expect, it } from 'vitest';
import { matchTypeGlob, literalPrefix, isValidTypeGlob } from '../../../src/events/type-glob.ts';

describe('matchTypeGlob', () => {
  it('matches one segment with * and the rest with **', () => {
    expect(matchTypeGlob('github.pull_request.*', 'github.pull_request.opened')).toBe(true);
    expect(matchTypeGlob('github.pull_request.*', 'github.pull_request')).toBe(false);
    expect(matchTypeGlob('github.*', 'github.pull_request.opened')).toBe(false);
    expect(matchTypeGlob('github.**', 'github.pull_request.opened')).toBe(true);
    expect(matchTypeGlob('github.**', 'github')).toBe(false);
    expect(matchTypeGlob('**', 'stripe.charge.succeeded')).toBe(true);
    expect(matchTypeGlob('stripe.charge.succeeded', 'stripe.charge.succeeded')).toBe(true);
    expect(matchTypeGlob('stripe.charge.succeeded', 'stripe.charge.failed')).toBe(false);
  });
  it('extracts literal prefixes and validates globs', () => {
    expect(literalPrefix('github.pull_request.*')).toEqual(['github', 'pull_request']);
    expect(literalPrefix('**')).toEqual([]);
    expect(isValidTypeGlob('github.**')).toBe(true);
    expect(isValidTypeGlob('github.**.opened')).toBe(false);
    expect(isValidTypeGlob('GitHub.push')).toBe(false);
  });
});
