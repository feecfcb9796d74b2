import { describe, expect, it } from 'vitest';
import { hasNestedQuantifier, unsafeRegexes } from '../../../src/operations/regex-safety.ts';

describe('regex guard for pasted rules', () => {
  it.each(['(a+)+$', '(a*)*', '(\\w+\\s?)*$', '((ab)+c)+', '(x+x+)+y', '(?:a+){2,}', '(a+)*b', '([a-z]+)+'])('refuses %s', (pattern) => {
    expect(hasNestedQuantifier(pattern)).toBe(true);
  });
  it.each(['^wip', 'fix(es)?:', '^(feat|fix)\\(', '[(+]+', '\\(a+\\)+', 'a+b*c', '(ab)+', '(a+)?', '^release/v\\d+\\.\\d+', '(a){3}'])('accepts %s', (pattern) => {
    expect(hasNestedQuantifier(pattern)).toBe(false);
  });
  it('finds $regex operands at any depth of a when filter', () => {
    expect(unsafeRegexes({ 'data.title': { $regex: '(a+)+' }, $or: [{ x: { $not: { $regex: '(b*)*' } } }, { y: { $regex: '^ok' } }] })).toEqual(['(a+)+', '(b*)*']);
  });
});
