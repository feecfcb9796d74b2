import { describe, expect, it } from 'vitest';
import { holdBack } from '../../../../src/bus/nats/hold-back.ts';

/** A source that counts how far it has been read and whether it was returned. */
function counted<T>(items: T[]) {
  const state = { read: 0, returned: false };
  async function* source(): AsyncGenerator<T> {
    try {
      for (const item of items) {
        state.read += 1;
        yield await Promise.resolve(item);
      }
    } finally {
      state.returned = true;
    }
  }
  return { source: source(), state };
}

function later(ms: number, pass: boolean): Promise<boolean> {
  return new Promise((resolve) => setTimeout(() => resolve(pass), ms));
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('holdBack', () => {
  it('passes unchecked items in order, lets a held item through once it passes, and drops one that fails', async () => {
    const { source } = counted(['a', 'held', 'b', 'dropped', 'c']);
    const check = (item: string) => (item === 'held' ? later(30, true) : item === 'dropped' ? later(5, false) : undefined);
    expect(await collect(holdBack(source, check, 8))).toEqual(['a', 'b', 'c', 'held']);
  });

  it('reads no further while maxHeld items are held', async () => {
    const { source, state } = counted(['h1', 'h2', 'x', 'y']);
    let release!: () => void;
    const gate = new Promise<boolean>((resolve) => (release = () => resolve(true)));
    const check = (item: string) => (item.startsWith('h') ? gate : undefined);
    const out = holdBack(source, check, 2);
    const first = out.next();
    await new Promise((r) => setTimeout(r, 20));
    expect(state.read).toBe(2);
    release();
    expect((await first).value).toBe('h1');
    expect(await collect(out)).toEqual(['h2', 'x', 'y']);
  });

  it('returns from the source when the caller stops early', async () => {
    const { source, state } = counted(['a', 'b', 'c']);
    for await (const item of holdBack(source, () => undefined, 4)) if (item === 'a') break;
    await new Promise((r) => setTimeout(r, 0));
    expect(state.returned).toBe(true);
    expect(state.read).toBe(1);
  });
});
