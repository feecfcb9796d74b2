/**
 * Starts the NATS requests asked for in one event-loop turn together, in one callback. nats.js
 * writes whatever is queued when its flush runs, so they go out in one socket write instead of one
 * write each: at hundreds of webhooks a second the writes were the largest single cost in the hub's
 * profile. A request waits at most until the end of the current turn.
 */
export type Cork = <T>(send: () => Promise<T>) => Promise<T>;

export function createCork(): Cork {
  let queued: (() => void)[] = [];
  const flush = (): void => {
    const starting = queued;
    queued = [];
    for (const start of starting) start();
  };
  return <T>(send: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queued.push(() => {
        // Synchronously, one after another: each request must be in nats.js's buffer before its flush
        // (a microtask) runs. A send that throws fails alone.
        try {
          send().then(resolve, reject);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      if (queued.length === 1) setImmediate(flush);
    });
}
