import { describe, expect, it } from 'vitest';
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
});
