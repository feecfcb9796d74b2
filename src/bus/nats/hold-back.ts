/**
 * Yields the items of `source`, except that an item for which `check` returns a promise is held back
 * until it settles: yielded on true, dropped on false. A held item never delays the others, so a
 * check that costs a round trip does not turn the stream into one round trip per item. At most
 * `maxHeld` items are held at once; the source is not read further until one settles.
 * `check`'s promises must not reject. Returning from this generator returns from `source` too.
 */
export async function* holdBack<T>(
  source: AsyncIterator<T>,
  check: (item: T) => Promise<boolean> | undefined,
  maxHeld: number,
): AsyncGenerator<T> {
  const holds = createHolds<T>();
  let next: Promise<IteratorResult<T>> | undefined;
  let ended = false;
  try {
    for (;;) {
      while (holds.released.length > 0) yield holds.released.shift()!;
      if (ended && holds.count() === 0) return;
      if (ended || holds.count() >= maxHeld) {
        await holds.settled();
        continue;
      }
      next ??= source.next();
      const result = holds.count() === 0 ? await next : await Promise.race([next, holds.settled()]);
      if (result === 'settled') continue;
      next = undefined;
      if (result.done === true) {
        ended = true;
        continue;
      }
      const item = result.value;
      const pending = check(item);
      if (pending === undefined) {
        yield item;
        continue;
      }
      holds.hold(item, pending);
    }
  } finally {
    // Not awaited: a read still waiting on `source` would hold the return until the source's next item.
    if (!ended) void Promise.resolve(source.return?.()).catch(() => undefined);
  }
}

/** The items held back: how many are pending, those released (passed) in the order they settled, and a wait for the next to settle. */
function createHolds<T>() {
  const released: T[] = [];
  let held = 0;
  let wake: (() => void) | undefined;
  return {
    released,
    count: () => held,
    // Made only while a check is pending: most items need none, and the router reads every event through here.
    settled: () => new Promise<'settled'>((resolve) => (wake = () => resolve('settled'))),
    hold(item: T, pending: Promise<boolean>): void {
      held += 1;
      void pending.then((pass) => {
        held -= 1;
        if (pass) released.push(item);
        wake?.();
      });
    },
  };
}
