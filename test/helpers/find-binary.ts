import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

// Debian installs nats-server to /usr/sbin, which a non-root user's PATH usually lacks.
const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** The first executable called `name` on `path` (a PATH-style list) or in the system sbin folders. */
export function findBinary(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of [...path.split(delimiter), ...SYSTEM_DIRS]) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

const CHROMIUM_NAMES = ['chromium', 'chromium-browser'];
const MACOS_CHROMIUM = '/Applications/Chromium.app/Contents/MacOS/Chromium';

/** The Chromium the dashboard's browser test drives (system package; playwright-core downloads nothing). */
export function findChromium(path = process.env.PATH ?? ''): string | undefined {
  for (const name of CHROMIUM_NAMES) {
    const found = findBinary(name, path);
    if (found !== undefined) return found;
  }
  try {
    accessSync(MACOS_CHROMIUM, constants.X_OK);
    return MACOS_CHROMIUM;
  } catch {
    return undefined;
  }
}
