/** A coalesced task: call it to run `task`, or to join the run after the current one. */
export interface Coalesced {
  (): Promise<void>;
  /** Whether a run is under way. */
  busy(): boolean;
}

/**
 * At most one run of `task` at a time; calls made while it runs share the one after it (that one may
 * have started before their call, so it cannot count for them). A slow task never piles runs up, and
 * an older run never ends after a newer one.
 */
export function coalesce(task: () => Promise<void>): Coalesced {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const current: Promise<void> = task().finally(() => {
      if (running === current) running = undefined;
    });
    running = current;
    return current;
  };
  const call = (): Promise<void> => {
    if (running === undefined) return start();
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return start();
      });
    return queued;
  };
  return Object.assign(call, { busy: () => running !== undefined });
}
