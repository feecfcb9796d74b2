import bytes from 'bytes';
import ms from 'ms';
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

/** `15s`, `7d`, `500ms`, or a number of milliseconds. */
export const DurationSchema = z.union([z.number().int().nonnegative(), z.string()]).transform((value, ctx) => {
  const parsed = typeof value === 'number' ? value : ms(value as ms.StringValue);
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < 0) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration (use e.g. 15s, 10m, 7d)` });
    return z.NEVER;
  }
  return parsed;
});

/** Accepts interpolated strings ("true", "8080") where YAML would have given a bool or number. */
export const BooleanLikeSchema = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');
