import { createRequire } from 'node:module';
import type { HubEvent } from '../events/hub-event.ts';
import { compileLinearRegex } from './linear-regex.ts';

export type EventTester = (event: HubEvent) => boolean;

// sift is CommonJS (module.exports = the tester factory, with its helpers as properties). Node's ESM
// interop exposes only `default` (no named exports), while vitest's also exposes the helpers, so an
// ESM import behaved differently under test and in the running hub: require() is the same in both.
const sift = createRequire(import.meta.url)('sift') as {
  default: (query: object, options?: { operations: Record<string, unknown> }) => (item: unknown) => boolean;
  createEqualsOperation: (test: (value: unknown) => boolean, ownerQuery: unknown, options: unknown) => unknown;
};

/** `$regex` on the linear-time engine instead of sift's built-in RegExp (which can backtrack for minutes). */
const operations = {
  $regex: (pattern: string, ownerQuery: { $options?: string }, options: unknown) => {
    const test = compileLinearRegex(pattern, ownerQuery.$options);
    return sift.createEqualsOperation((value) => typeof value === 'string' && test(value), ownerQuery, options);
  },
};

/**
 * Compiles a `when:` filter (already checked by checkWhen) with sift, over the whole CloudEvent.
 * A path that does not exist simply holds no value: `$gt` fails, `$exists: false` and `$ne` hold.
 */
export function compileWhen(when: Readonly<Record<string, unknown>>): EventTester {
  const test = sift.default(when, { operations });
  return (event) => test(event);
}

/**
 * Reads a dotted path like sift does, through arrays (`labels.name` → every label's name).
 * Own properties only: a path never reaches a prototype.
 */
export function readPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const segment of path.split('.')) {
    if (Array.isArray(current) && !/^\d+$/.test(segment)) {
      current = current.map((item) => readPath(item, segment)).filter((v) => v !== undefined);
      continue;
    }
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
