import type { EventBus } from '../../src/bus/event-bus.ts';

/** The bus with a no-op close(), so each CLI command's close leaves the test's bus running. */
export function keepOpen(bus: EventBus): EventBus {
  return new Proxy(bus, {
    get(target, key) {
      if (key === 'close') return () => Promise.resolve();
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
