import { describe, expect, it } from 'vitest';
import { parseTime } from '../../../src/api/query-params.ts';
import { ApiError } from '../../../src/api/http-kit.ts';
import { parseSince } from '../../../src/cli/dlq-command.ts';

const now = () => new Date('2026-12-01T00:00:00Z');

describe('an empty or blank duration', () => {
  it('is refused by --since as neither a date nor a duration', () => {
    for (const value of ['', '  '])
      expect(() => parseSince(value, now)).toThrow(`--since: "${value}" is neither a date (2026-01-31T12:00:00Z) nor a duration (2h)`);
  });

  it('is a 400 from the API, not an error the request cannot explain', () => {
    let error: unknown;
    try {
      parseTime('since', ' ', now);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400 });
  });
});
