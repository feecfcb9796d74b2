import { z } from 'zod';
import { DurationSchema, fromEnvString } from '../config/units.ts';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof DAYS)[number];
export const WEEKDAYS: readonly Weekday[] = DAYS;

const ClockSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'use 24-hour HH:MM, e.g. 09:00' });

const TimeZoneSchema = z.string().refine(isTimeZone, { error: 'not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)' });

/**
 * The largest throttle `max`. A window keeps the id of every event it let through in one kv value, so a
 * redelivered event is not counted twice; NATS holds at most 1 MB per value, and every event rewrites it.
 */
export const THROTTLE_MAX_LIMIT = 1_000;

/** At most `max` messages per key per `per` window (fixed windows); the rest are dropped and counted. */
export const ThrottleSchema = z.strictObject({
  max: fromEnvString(
    z
      .number()
      .int()
      .min(1)
      .max(THROTTLE_MAX_LIMIT, { error: `at most ${THROTTLE_MAX_LIMIT} per window (use a shorter per: for more)` }),
  ),
  per: DurationSchema,
});

/**
 * Alertmanager-style grouping: events with the same key are collected for `wait` (group_wait),
 * then sent as one digest; later events wait `interval` (group_interval) after the last digest.
 */
export const GroupSchema = z.strictObject({
  /** Event paths that make up the group key (default: `subject`). */
  by: z.array(z.string().min(1)).min(1).optional(),
  wait: DurationSchema.default(30_000),
  interval: DurationSchema.default(300_000),
});

/** A fixed window in which nothing is sent (maintenance, holidays). */
export const MuteWindowSchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }),
});

/**
 * When messages may be sent. Outside these hours events are held (grouped) and sent as one digest
 * when the hours start again, or dropped with `outside: drop`. Either way a digest of events grouped during
 * the hours that comes due outside them waits for their next start. `to` before `from` spans midnight.
 */
export const ActiveHoursSchema = z.strictObject({
  from: ClockSchema,
  to: ClockSchema,
  days: z.array(z.enum(DAYS)).min(1).optional(),
  timezone: TimeZoneSchema.default('UTC'),
  outside: z.enum(['hold', 'drop']).default('hold'),
});

/** Noise control for a rule or a subscription. Every part is optional. */
export const NoiseSpecSchema = z.strictObject({
  throttle: ThrottleSchema.optional(),
  group: GroupSchema.optional(),
  mute: z.array(MuteWindowSchema).optional(),
  activeHours: ActiveHoursSchema.optional(),
});

export type NoiseSpec = z.output<typeof NoiseSpecSchema>;
export type NoiseSpecInput = z.input<typeof NoiseSpecSchema>;
export type GroupSpec = z.output<typeof GroupSchema>;
export type ActiveHours = z.output<typeof ActiveHoursSchema>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
