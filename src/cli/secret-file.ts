import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Reads a one-line secret file, or creates it (mode 600) with `fresh()` the first time. `wx` makes a
 * concurrent first run fail rather than overwrite the other's secret. An existing file that others may
 * read (restored from a backup, copied under umask 022) is tightened to 600, as the data file is.
 */
export async function readOrCreateSecretFile(file: string, fresh: () => string): Promise<string> {
  return readFile(file, 'utf8').then(
    async (text) => {
      await ownerOnly(file);
      return text.trim();
    },
    async () => {
      const value = fresh();
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await writeFile(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
      return value;
    },
  );
}

async function ownerOnly(file: string): Promise<void> {
  try {
    const mode = (await stat(file)).mode & 0o777;
    if ((mode & 0o077) !== 0) await chmod(file, mode & 0o700);
  } catch {
    // Not ours to change (another user's file, a read-only mount): the secret still works.
  }
}
