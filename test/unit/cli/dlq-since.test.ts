import { describe, expect, it } from 'vitest';
import { parseTime } from '../../../src/api/query-params.ts';
import { parseSince } from '../../../src/cli/dlq-command.ts';

const now = () => new Date('2026-01-31T12:00:00Z');

describe('hookhub dlq --since / --before', () => {
  it('reads a duration as that long ago, or a date', () => {
    expect(parseSince('2h', now)?.toISOString()).toBe('2026-01-31T10:00:00.000Z');
    expect(parseSince('2026-01-01T00:00:00Z', now)?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('says which flag is wrong, and refuses a duration that reaches past the earliest date', () => {
    expect(() => parseSince('soon', now, '--before')).toThrow(/^--before: "soon" is neither a date/);
    // 10^9 years: no Date holds it, so the purge would otherwise fail with "Invalid time value".
    expect(() => parseSince('1000000000y', now, '--before')).toThrow(/^--before: "1000000000y" reaches back further than a date can/);
  });

  it('refuses a bare number, which read as milliseconds would make --before 30 every letter', () => {
    expect(() => parseSince('30', now, '--before')).toThrow(
      /^--before: "30" has no unit: write a duration such as 30d, 30h or 30m, or a date/,
    );
    expect(() => parseSince('2026', now)).toThrow(/^--since: "2026" has no unit/);
    expect(() => parseTime('before', ' 30 ', now)).toThrow(/^before: "30" has no unit/);
    expect(parseTime('since', '30d', now)?.toISOString()).toBe('2026-01-01T12:00:00.000Z');
  });
});
