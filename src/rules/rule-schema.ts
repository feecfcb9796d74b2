import { z } from 'zod';
import { ActiveHoursSchema, GroupSchema, MuteWindowSchema, ThrottleSchema } from '../noise/noise-spec.ts';

/**
 * The shape of each rule key, checked key by key so that one bad key never hides problems
 * in the others. Meaning (globs, operators, templates, references) is checked afterwards.
 */
export const RuleNameSchema = z
  .string({ error: 'name must be a string' })
  .max(100, 'name is longer than 100 characters')
  .regex(
    /^[a-z0-9][a-z0-9_-]*$/,
    'name uses lowercase letters, digits, "-" and "_" only (it becomes part of job ids and of hookhub.schedule.<name>)',
  );

const StringOrList = (what: string) =>
  z.union([z.string(), z.array(z.string(), { error: `every ${what} entry must be a string` }).min(1, `${what} needs at least one entry`)], {
    error: (issue) =>
      Array.isArray(issue.input)
        ? `every ${what} entry must be a string`
        : `${what} must be a string or a list of strings, got ${kind(issue.input)}`,
  });

export const RuleFieldSchemas = {
  name: RuleNameSchema,
  description: z.string({ error: 'description must be a string' }),
  // "true" / "false" too: `enabled: ${FEATURE_X:-false}` is interpolated to a string, as in hookhub.yaml.
  enabled: z
    .union([z.boolean(), z.enum(['true', 'false'])], { error: 'enabled must be true or false' })
    .transform((v) => v === true || v === 'true'),
  on: StringOrList('on'),
  from: StringOrList('from'),
  when: z.record(z.string(), z.unknown(), { error: 'when must be a map of event paths to conditions' }),
  do: z.array(z.unknown(), { error: 'do must be a list of actions' }).min(1, 'do needs at least one action'),
  schedule: z.string({ error: 'schedule must be a cron expression string, e.g. "0 9 * * MON"' }),
  timezone: z.string({ error: 'timezone must be an IANA time zone name such as Europe/Berlin' }),
  /** Noise control (src/noise): at most `max` messages per subject per `per`. */
  throttle: ThrottleSchema,
  /** Noise control: collect events per key for `wait`, then one digest (Alertmanager group_wait/group_interval). */
  group: GroupSchema,
  /** Noise control: fixed windows in which the rule sends nothing. */
  mute: z.array(MuteWindowSchema, { error: 'mute must be a list of { from, until } windows' }),
  /** Noise control: send only in these hours; outside, hold (digest when they start) or drop. */
  activeHours: ActiveHoursSchema,
} as const;

export type RuleKey = keyof typeof RuleFieldSchemas;
export const RULE_KEYS = Object.keys(RuleFieldSchemas) as RuleKey[];

/** A file holds `rules:`; keys starting with `x-` are free for YAML anchors, as in docker-compose. */
export const RULE_FILE_KEYS = ['rules'];

function kind(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a map' : `a ${typeof value}`;
}
