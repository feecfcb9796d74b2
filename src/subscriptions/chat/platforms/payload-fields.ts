type Fields = Record<string, unknown>;

/** A non-empty string field of a payload object, or undefined. */
export function str(o: unknown, key: string): string | undefined {
  const v = o !== null && typeof o === 'object' ? (o as Fields)[key] : undefined;
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** `base` with the defined values of `optional` added. */
export function withOptional<T extends object>(base: T, optional: Record<string, string | undefined>): T {
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) (base as Record<string, string>)[key] = value;
  return base;
}
