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
  const released: T[] = [];
  let held = 0;
  let wake: (() => void) | undefined;
  let next: Promise<IteratorResult<T>> | undefined;
  let ended = false;
  // Made only while a check is pending: most items need none, and the router reads every event through here.
  const settled = () => new Promise<'settled'>((resolve) => (wake = () => resolve('settled')));
  try {
    for (;;) {
      while (released.length > 0) yield released.shift()!;
      if (ended && held === 0) return;
      if (ended || held >= maxHeld) {
        await settled();
        continue;
      }
      next ??= source.next();
      const result = held === 0 ? await next : await Promise.race([next, settled()]);
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
      held += 1;
      void pending.then((pass) => {
        held -= 1;
        if (pass) released.push(item);
        wake?.();
      });
    }
  } finally {
    // Not awaited: a read still waiting on `source` would hold the return until the source's next item.
    if (!ended) void Promise.resolve(source.return?.()).catch(() => undefined);
  }
}
