/** Retrying every dead letter while another retry or replay holds some of them, on a real embedded bus. */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPUBLISH_CLAIMS_BUCKET } from '../../src/actions/runtime/republish-claim.ts';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { retryDeadLetterSelection } from '../../src/operations/dead-letter-ops.ts';
import { tempDir } from '../helpers/hub-fixtures.ts';
import { makeJob } from './delivery-harness.ts';

const now = new Date('2030-01-02T12:00:00Z');
let dir: string;
let bus: EventBus;

/** `count` letters a minute apart, oldest first; the first `held` of them claimed by another retry. */
async function seed(count: number, held: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `evt-${String(i).padStart(3, '0')}:r:0`);
  for (const [i, id] of ids.entries()) {
    const time = new Date(now.getTime() - (count - i) * 60_000).toISOString();
    const payload = makeJob('webhook', { url: 'https://example.com' }, id);
    await bus.deadLetter({ id, subject: 'webhook', payload, reason: 'permanent failure: HTTP 400', time, attempts: [] });
    if (i < held) await bus.kv(REPUBLISH_CLAIMS_BUCKET).put(id, { at: now.getTime() }, { revision: 0 });
  }
  return ids;
}

beforeEach(async () => {
  dir = tempDir('hookhub-dlq-busy-');
  bus = await createEmbeddedBus({ path: join(dir, 'hookhub.db') });
});
afterEach(async () => {
  await bus.close();
  await rm(dir, { recursive: true, force: true });
});

describe('retry all dead letters while some are held', () => {
  it('names the held ones as busy and retries the rest', async () => {
    const ids = await seed(3, 1);
    const result = await retryDeadLetterSelection(bus, { all: true }, () => now);
    expect(result.busy).toEqual([ids[0]]);
    expect(result.retried.map((r) => r.id)).toEqual(ids.slice(1));
    expect((await bus.deadLetters({ limit: 10 })).map((l) => l.id)).toEqual([ids[0]]);
  });

  it('goes past a whole page of held letters to the ones behind it', async () => {
    const ids = await seed(102, 100);
    const result = await retryDeadLetterSelection(bus, { all: true }, () => now);
    expect(result.busy).toHaveLength(100);
    expect(result.retried.map((r) => r.id)).toEqual(ids.slice(100));
  });
});
