/** The embedded bus reads a range of records in slices: they meet where many records share one stored time. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createEmbeddedBus, type EmbeddedBus } from '../../../../src/bus/embedded/embedded-bus.ts';
import { SLICE_ROWS } from '../../../../src/bus/embedded/record-slices.ts';

const T0 = Date.parse('2026-03-01T00:00:00Z');
let dir = '';
let bus: EmbeddedBus;
let clock = T0;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookhub-slices-'));
  bus = await createEmbeddedBus({ path: join(dir, 'hookhub.db'), now: () => new Date(clock) });
});
afterEach(async () => {
  await bus.close();
  await rm(dir, { recursive: true, force: true });
});

it('reads each record of a range once across slices, also where thousands share one millisecond', async () => {
  const total = 2 * SLICE_ROWS + 500;
  // One record a millisecond before the range, then all of the range's records in one millisecond and the next.
  clock = T0 - 1;
  await bus.record({ ref: 'before', kind: 'attempt', time: new Date(clock).toISOString(), data: { i: -1 } });
  for (let start = 0; start < total; start += 100) {
    clock = start < SLICE_ROWS * 1.5 ? T0 : T0 + 1;
    await Promise.all(
      Array.from({ length: 100 }, (_, k) =>
        bus.record({ ref: `j${start + k}`, kind: 'attempt', time: new Date(clock).toISOString(), data: { i: start + k } }),
      ),
    );
  }
  const range = (limit: number) => bus.recordRange({ since: new Date(T0), until: new Date(T0 + 2), kinds: ['attempt'], limit });
  const all = await range(total);
  expect(all.truncated).toBe(false);
  expect(all.records.map((r) => r.data.i)).toEqual(Array.from({ length: total }, (_, i) => i));
  const newest = await range(SLICE_ROWS + 1);
  expect(newest.truncated).toBe(true);
  expect(newest.records.map((r) => r.data.i)).toEqual(Array.from({ length: SLICE_ROWS + 1 }, (_, i) => total - SLICE_ROWS - 1 + i));
});
