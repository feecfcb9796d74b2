/** Opening the embedded bus's SQLite file: folder, pragmas, schema. */
import { chmod, mkdir, open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrateSchema } from './schema.ts';
import { EmbeddedStorageError, toStorageError } from './storage-error.ts';

/** Bytes per page of a new data file (SQLite's default is 4,096). */
export const PAGE_SIZE = 16_384;

/**
 * Create the parent folder (0700), the file (0600), open the file in WAL mode and migrate the schema.
 * Rejects with an EmbeddedStorageError that names the file when it cannot be opened.
 */
export async function loadDatabase(path: string): Promise<Database.Database> {
  await createFolder(dirname(path));
  await restrictFiles(path);
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: 5_000 });
    // Only a new, empty file takes it (a WAL file keeps the page size it was made with). Each commit
    // writes every page it changed, and the checkpoint copies it again: a 21 KB event costs SQLite a
    // quarter to 40% less CPU than with the default 4 KB (its row fits in two pages instead of six). At
    // 2 KB the two sizes measure within 15% of each other (docs/operations.md has the figures).
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    // An acknowledged webhook must survive power loss, not only a process crash. In WAL mode
    // NORMAL may lose the last commits on power loss; FULL syncs the WAL on every commit,
    // and group commit pays that once per batch. https://www.sqlite.org/pragma.html#pragma_synchronous
    db.pragma('synchronous = FULL');
    migrateSchema(db);
    return db;
  } catch (error) {
    db?.close();
    throw toStorageError(error, path);
  }
}

async function createFolder(folder: string): Promise<void> {
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new EmbeddedStorageError(
      `hookhub cannot create its data folder ${folder} (${code}). ` +
        'Create it with write access for the hub user, or set bus.path (or HOOKHUB_DATA_DIR) to a writable folder.',
      code,
    );
  }
}

/**
 * The data file holds every payload and rendered job: owner-only (0600) whatever the umask, and
 * files left 0644 by older versions are tightened. SQLite gives its -wal and -shm files the mode
 * of the database file. An existing folder keeps its mode (it may be the working directory).
 */
async function restrictFiles(path: string): Promise<void> {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    const mode = await stat(file).then(
      (s) => s.mode & 0o777,
      () => undefined,
    );
    try {
      if (mode === undefined && file === path) await (await open(file, 'wx', 0o600)).close();
      else if (mode !== undefined && (mode & 0o077) !== 0) await chmod(file, mode & 0o700);
    } catch {
      // Not ours to create or change (a read-only folder, another user's file): opening it reports why.
    }
  }
}
