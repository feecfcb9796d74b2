/**
 * Durable commits without blocking the event loop. With `synchronous = FULL`, SQLite fsyncs the WAL
 * inside COMMIT, on the calling thread: under load the hub spent nearly half its time waiting there,
 * and nothing else (routing, delivery, other requests) could run. Instead the database commits with
 * `synchronous = NORMAL` (frames written, not synced) and this fsyncs the WAL file on libuv's thread
 * pool; a writer whose result leaves the process (a 202, an API answer) waits for it. Same durability
 * as FULL, as fsync covers everything written to the file before it started; WAL commits are
 * ordered, so a power loss can only drop a suffix of commits nobody outside was told about.
 * https://www.sqlite.org/wal.html#durability
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { Database } from 'better-sqlite3';
import { coalesce } from '../../shared/coalesce.ts';

export interface WalSync {
  /** Resolves once everything committed before the call is on disk. Concurrent calls share syncs. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the WAL file of `db` (at `path`-wal) and switches the connection to NORMAL. Returns
 * undefined, leaving FULL in place, when the file cannot be opened (a read-only folder, say).
 */
export async function openWalSync(db: Database, path: string): Promise<WalSync | undefined> {
  let file: FileHandle;
  try {
    file = await open(`${path}-wal`, 'r');
  } catch {
    return undefined;
  }
  db.pragma('synchronous = NORMAL');
  return { sync: coalesce(() => file.datasync()), close: () => file.close() };
}
