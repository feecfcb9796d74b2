import bytes from 'bytes';
import { parseDuration } from '../shared/duration.ts';
import { z } from 'zod';

/** `1mb`, `512kb`, or a number of bytes. */
export const SizeSchema = z.union([z.number().int().positive(), z.string()]).transform((value, ctx) => {
  const parsed = typeof value === 'number' ? value : bytes.parse(value);
  if (parsed === null || !Number.isFinite(parsed) || parsed <= 0) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a size (use e.g. 1mb, 512kb)` });
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

/** Accepts interpolated strings ("true", "8080") where YAML would have given a bool or number. */
export const BooleanLikeSchema = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');
