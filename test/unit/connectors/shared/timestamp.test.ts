import { describe, expect, it } from 'vitest';
import { assertFresh, parseUnixSeconds } from '../../../../connectors/shared/timestamp.ts';
import { VerificationError } from '../../../../src/errors.ts';
import { objectContaining } from '../../../helpers/matchers.ts';

const now = new Date('2024-05-14T12:00:00Z');
const nowSec = now.getTime() / 1000;

describe('assertFresh', () => {
  it('accepts timestamps within the tolerance on both sides', () => {
    expect(() => assertFresh(nowSec, now, 300)).not.toThrow();
    expect(() => assertFresh(nowSec - 300, now, 300)).not.toThrow();
    expect(() => assertFresh(nowSec + 300, now, 300)).not.toThrow();
  });

  it('rejects stale and far-future timestamps with VerificationError', () => {
    expect(() => assertFresh(nowSec - 301, now, 300)).toThrow(VerificationError);
    expect(() => assertFresh(nowSec - 301, now, 300)).toThrow(/301 s old/);
    expect(() => assertFresh(nowSec + 301, now, 300)).toThrow(/in the future/);
    expect(() => assertFresh(nowSec + 61, now, 300, 60)).toThrow(VerificationError);
  });

  it("says how far off the timestamp is and the window it missed, for the operator's hint", () => {
    expect(() => assertFresh(nowSec - 301, now, 300)).toThrow(
      objectContaining({ failure: { kind: 'stale', skewSec: 301, toleranceSec: 300 } }),
    );
    expect(() => assertFresh(nowSec + 61, now, 300, 60)).toThrow(
      objectContaining({ failure: { kind: 'stale', skewSec: -61, toleranceSec: 60 } }),
    );
  });
});

describe('parseUnixSeconds', () => {
  it('takes digits only', () => {
    expect(parseUnixSeconds('1715688000', 'x')).toBe(1715688000);
    for (const bad of ['', '-5', '1e9', '12.5', ' 1', 'abc', '9'.repeat(13)]) {
      expect(() => parseUnixSeconds(bad, 'webhook-timestamp')).toThrow(/malformed webhook-timestamp header/);
    }
  });
});
