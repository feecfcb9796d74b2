import { pino, type DestinationStream } from 'pino';

/** The longest a JSON log line waits in the buffer before it is written. */
const FLUSH_MS = 100;

/**
 * stdout for JSON lines, written in batches of 4 KB or every FLUSH_MS, whichever comes first
 * (sonic-boom's `minLength` and `periodicFlush`). An unbatched asynchronous write costs a thread-pool
 * round trip per line (30 to 48 µs here, against 8 to 20 batched; one `delivered` line per job); a
 * synchronous one would block the event loop while stdout is backed up. pino flushes what is left
 * when the process exits.
 */
export function batchedStdout(): DestinationStream {
  return pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: FLUSH_MS });
}
