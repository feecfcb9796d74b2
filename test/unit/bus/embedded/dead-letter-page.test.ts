import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus } from '../../../../src/bus/event-bus.ts';
import { openTempEmbeddedBus } from '../../../helpers/hub-fixtures.ts';

let bus: EventBus;
beforeAll(async () => {
  bus = await openTempEmbeddedBus();
  const start = Date.now() - 3_600_000;
  for (let i = 0; i < 150; i++) {
    // Every third pair shares its time, so the page's order and cursor rest on the id as well.
    const time = new Date(start + Math.floor(i / 2) * 1_000).toISOString();
    await bus.deadLetter({
      id: `d${String(i).padStart(3, '0')}`,
      subject: 'webhook',
      payload: { i },
      reason: 'failed',
      time,
      attempts: [],
    });
  }
});
afterAll(() => bus.close());

// The page reads ids first, then its own letters by id (what it costs is in bench/history-reads.ts, DEAD_LETTERS).
describe('a page of dead letters on the embedded bus', () => {
  it('pages newest first through letters that share a time, each letter once, whole', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await bus.deadLetterPage({ limit: 7, ...(cursor === undefined ? {} : { cursor }) });
      for (const letter of page.letters) {
        expect(letter.payload).toEqual({ i: Number(letter.id.slice(1)) });
        seen.push(letter.id);
      }
      cursor = page.next;
    } while (cursor !== undefined);
    expect(seen).toEqual(Array.from({ length: 150 }, (_, i) => `d${String(149 - i).padStart(3, '0')}`));
  });
});
