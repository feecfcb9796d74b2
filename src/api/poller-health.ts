import type { Logger } from 'pino';
import { failureBackoffMs } from '../bus/consumer-failure.ts';
import type { ConsumerProbe } from '../bus/consumer-health.ts';

/** The live stream poller's passes and failures, and the back-off after failed polls. */
export interface PollerHealth {
  /** False while the back-off after a failed poll lasts. */
  due(): boolean;
  /** A poll worked; `live` is false when it ended after the last client left. */
  passed(live: boolean): void;
  failed(error: unknown): void;
  /** Nobody listens: the poller has nothing to do, which is no failure. */
  idle(): void;
}

export interface PollerHealthOptions {
  logger: Logger;
  intervalMs: number;
  probe?: ConsumerProbe | undefined;
}

/** Reports to the probe when there is one, else logs once per streak of failed polls. */
export function createPollerHealth({ logger, intervalMs, probe }: PollerHealthOptions): PollerHealth {
  /** Failed polls in a row; the next poll waits until retryAt. */
  let failures = 0;
  let retryAt = 0;
  return {
    due: () => Date.now() >= retryAt,
    // A poll that ends after the last client left counts for nothing: the probe was told the poller is idle.
    passed(live) {
      if (live) {
        if (probe) probe.progress();
        else if (failures > 0) logger.info({ failures }, 'event stream: polling the bus works again');
      }
      failures = 0;
    },
    failed(error) {
      failures += 1;
      retryAt = Date.now() + failureBackoffMs(failures, intervalMs);
      if (probe) probe.failure(error);
      else if (failures === 1) logger.warn({ err: error }, 'event stream: polling the bus failed; retrying with back-off');
    },
    idle() {
      failures = 0;
      retryAt = 0;
      probe?.idle();
    },
  };
}
