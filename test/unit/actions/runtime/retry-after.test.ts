import { afterEach, describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../../src/actions/runtime/retry-after.ts';

const zone = process.env.TZ;

afterEach(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe('Retry-After in the asctime form', () => {
  it("is read as GMT, as every HTTP date is, whatever the hub's own time zone", () => {
    const now = new Date('1994-11-06T08:48:37Z');
    for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
      process.env.TZ = tz;
      expect({ tz, ms: parseRetryAfter('Sun Nov  6 08:49:37 1994', now) }).toEqual({ tz, ms: 60_000 });
      expect({ tz, ms: parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now) }).toEqual({ tz, ms: 60_000 });
    }
  });
});
