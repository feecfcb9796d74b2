import { describe, expect, it } from 'vitest';
import { isActive, nextActiveStart } from '../../../src/noise/active-hours.ts';
import { ActiveHoursSchema } from '../../../src/noise/noise-spec.ts';

const hours = (input: Record<string, unknown>) => ActiveHoursSchema.parse(input);

describe('activeHours', () => {
  const berlinWorkday = hours({ from: '09:00', to: '18:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], timezone: 'Europe/Berlin' });

  it.each([
    ['2026-11-30T07:59:00Z', false], // Monday 08:59 in Berlin (UTC+1)
    ['2026-11-30T08:00:00Z', true], // Monday 09:00
    ['2026-11-30T16:59:00Z', true], // Monday 17:59
    ['2026-11-30T17:00:00Z', false], // Monday 18:00
    ['2026-11-28T10:00:00Z', false], // Saturday
    ['2026-07-06T07:30:00Z', true], // Monday 09:30 in summer time (UTC+2)
  ])('%s -> %s', (at, expected) => {
    expect(isActive(berlinWorkday, new Date(at))).toBe(expected);
  });

  it('a span past midnight belongs to the day it starts on', () => {
    const night = hours({ from: '22:00', to: '06:00', days: ['fri'], timezone: 'UTC' });
    expect(isActive(night, new Date('2026-11-27T23:00:00Z'))).toBe(true); // Friday 23:00
    expect(isActive(night, new Date('2026-11-28T05:59:00Z'))).toBe(true); // Saturday 05:59, started Friday
    expect(isActive(night, new Date('2026-11-29T05:00:00Z'))).toBe(false); // Sunday 05:00, started Saturday
  });

  it('finds the next start: Saturday noon -> Monday 09:00 Berlin', () => {
    expect(nextActiveStart(berlinWorkday, new Date('2026-11-28T12:00:00Z'))?.toISOString()).toBe('2026-11-30T08:00:00.000Z');
    expect(
      nextActiveStart(hours({ from: '09:07', to: '10:00', timezone: 'Asia/Kolkata' }), new Date('2026-11-28T00:00:00Z'))?.toISOString(),
    ).toBe('2026-11-28T03:37:00.000Z');
  });

  it('rejects unknown time zones and bad clocks', () => {
    expect(ActiveHoursSchema.safeParse({ from: '9:00', to: '18:00' }).success).toBe(false);
    expect(ActiveHoursSchema.safeParse({ from: '09:00', to: '18:00', timezone: 'Mars/Olympus' }).success).toBe(false);
  });
});
