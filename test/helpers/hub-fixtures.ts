import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';

/** A logger that swallows output: tests assert on behaviour, not log lines. */
export const silentLogger = pino({ level: 'silent' });

export function tempDir(prefix = 'hookhub-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function openTempEmbeddedBus(): Promise<EventBus> {
  return createEmbeddedBus({ path: join(tempDir(), 'hookhub.db') });
}

/** Polls `check` until it returns a truthy value, failing after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
