import bytes from 'bytes';
import { parseDuration } from '../shared/duration.ts';
import { z } from 'zod';

/**
 * A number and an optional unit, the whole text. bytes.parse reads what it cannot match with parseInt,
 * so on its own it takes `1m` or `10 megabytes` as 1 or 10 bytes.
 */
const SIZE = /^\s*\d+(\.\d+)?\s*(b|kb|mb|gb|tb|pb)?\s*$/i;

/** `1mb`, `512kb`, or a number of bytes. */
export const SizeSchema = z.union([z.number().int().positive(), z.string()]).transform((value, ctx) => {
  const parsed = typeof value === 'number' ? value : SIZE.test(value) ? bytes.parse(value.trim()) : null;
  if (parsed === null || !Number.isFinite(parsed) || parsed <= 0) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a size (use e.g. 1mb, 512kb; units: b, kb, mb, gb)` });
    return z.NEVER;
  }
  return parsed;
});

/** A duration in config or rules: `15s`, `7d`, `500ms`, or a number of milliseconds. Parses to milliseconds. */
export const DurationSchema = z.union([z.number().nonnegative(), z.string()]).transform((value, ctx) => {
  const parsed = parseDuration(value);
  if (parsed === undefined) {
    ctx.addIssue({ code: 'custom', message: `invalid duration "${value}" (use e.g. 500ms, 15s, 10m, 7d)` });
    return z.NEVER;
  }
  return parsed;
});

const NUMERAL = /^-?\d+(\.\d+)?$/;

/**
 * `schema`, also given the numeral or "true" / "false" that a `${VAR}` interpolates to (always a string).
 * Any other value reaches `schema` as it is, so it gets the message a wrong YAML value gets.
 */
export function fromEnvString<T extends z.ZodType>(schema: T): z.ZodType<z.output<T>, z.input<T> | string> {
  const read = z.preprocess((value: unknown) => {
    if (typeof value !== 'string') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    return NUMERAL.test(value) ? Number(value) : value;
  }, schema);
  // preprocess types its input as unknown; what it takes is the schema's input or the string a ${VAR} gives.
  return read as unknown as z.ZodType<z.output<T>, z.input<T> | string>;
}

/** true / false, or the "true" / "false" a `${VAR}` gives. */
export const BooleanLikeSchema = fromEnvString(z.boolean());
