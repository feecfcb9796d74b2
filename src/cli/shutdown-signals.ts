/** How `hookhub start` takes SIGINT and SIGTERM: the first starts a graceful shutdown, a later one ends the process. */

/**
 * Ctrl-C on `npm start` signals the whole foreground group and npm passes it on too, so the hub gets
 * SIGINT twice within moments: a repeat this soon is the same request.
 */
export const REPEAT_WINDOW_MS = 1_000;

export interface SignalDeps {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): void;
  now(): number;
  /** Told before the process ends without finishing its shutdown. */
  warn(message: string): void;
  exit(code: number): void;
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15 };

/**
 * Resolves at the first SIGINT or SIGTERM. The listeners stay for good: with none left, a repeat would
 * kill the hub in the middle of its shutdown. A signal sent again later (an operator's second Ctrl-C,
 * a supervisor giving up) exits at once, with 128 + the signal's number, as a shell reports it.
 */
export function waitForShutdownSignal(deps: SignalDeps): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let firstAt: number | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (firstAt === undefined) {
        firstAt = deps.now();
        resolve(signal);
        return;
      }
      if (deps.now() - firstAt < REPEAT_WINDOW_MS) return;
      deps.warn(`${signal} again while shutting down: exiting now, without waiting for the shutdown to finish`);
      deps.exit(128 + (SIGNAL_NUMBERS[signal] ?? 0));
    };
    deps.on('SIGINT', onSignal);
    deps.on('SIGTERM', onSignal);
  });
}
