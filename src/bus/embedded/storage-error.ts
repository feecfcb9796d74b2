/**
 * Translating SQLite storage failures (read-only, disk full, I/O errors) into errors that
 * name the data file and tell the operator what to do.
 * Result codes: https://www.sqlite.org/rescode.html
 */
import { dirname } from 'node:path';

/** The embedded bus cannot persist: the hub must refuse new webhooks (503) until it is fixed. */
export class EmbeddedStorageError extends Error {
  override name = 'EmbeddedStorageError';
  constructor(
    message: string,
    /** The SQLite extended result code, e.g. `SQLITE_READONLY_DIRECTORY`. */
    readonly code: string,
  ) {
    super(message);
  }
}

const STORAGE_CODE = /^SQLITE_(READONLY|FULL|IOERR|CANTOPEN|PERM|CORRUPT|NOTADB)/;

function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const BUSY_CODE = /^SQLITE_(BUSY|LOCKED)/;

/** Whether `error` means another connection holds the lock: the write can succeed once it lets go. */
export function isStorageBusy(error: unknown): boolean {
  const code = sqliteCode(error);
  return code !== undefined && BUSY_CODE.test(code);
}

/** Whether `error` means the data file cannot be written (as opposed to a bug or bad input). */
export function isStorageFailure(error: unknown): boolean {
  if (error instanceof EmbeddedStorageError) return true;
  const code = sqliteCode(error);
  return code !== undefined && STORAGE_CODE.test(code);
}

function advice(code: string, path: string): string {
  const folder = dirname(path);
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM')) {
    return `the file or its folder ${folder} is read-only. Make both writable by the hub's user, or set bus.path (or HOOKHUB_DATA_DIR) to a writable folder`;
  }
  if (code.startsWith('SQLITE_FULL')) {
    return `the disk holding ${folder} is full. Free some space (or move bus.path to a larger volume); events already acknowledged are safe`;
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return `the file cannot be opened. Check that ${folder} exists and is writable by the hub's user`;
  }
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) {
    return 'the file is damaged or not a hookhub database. Restore it from a backup or point bus.path at a new file';
  }
  return `the file system holding ${folder} reported an I/O error. Check the disk and the kernel log`;
}

/** Wrap a storage failure in an EmbeddedStorageError naming the file; other errors pass through. */
export function toStorageError(error: unknown, path: string): unknown {
  if (error instanceof EmbeddedStorageError || !isStorageFailure(error)) return error;
  const code = sqliteCode(error) ?? 'SQLITE_IOERR';
  const cause = error instanceof Error ? error.message : String(error);
  const message = `hookhub cannot write its data file ${path} (${code}: ${cause}): ${advice(code, path)}.`;
  return new EmbeddedStorageError(message, code);
}
