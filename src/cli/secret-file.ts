import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Reads a one-line secret file, or creates it (mode 600) with `fresh()` the first time. `wx` makes a
 * concurrent first run fail rather than overwrite the other's secret.
 */
export async function readOrCreateSecretFile(file: string, fresh: () => string): Promise<string> {
  return readFile(file, 'utf8').then(
    (text) => text.trim(),
    async () => {
      const value = fresh();
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await writeFile(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
      return value;
    },
  );
}
