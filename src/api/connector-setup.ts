import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const cache = new Map<string, Promise<string>>();

/**
 * The "Setup" section of connectors/<type>/README.md (plain text, shown as-is), so the dashboard's
 * hints are the same words as the docs. Empty when the connector has no README.
 */
export function loadSetupHint(type: string): Promise<string> {
  if (!/^[a-z0-9-]+$/.test(type)) return Promise.resolve('');
  let hint = cache.get(type);
  if (!hint) {
    const file = fileURLToPath(new URL(`../../connectors/${type}/README.md`, import.meta.url));
    hint = readFile(file, 'utf8').then(setupSection, () => '');
    cache.set(type, hint);
  }
  return hint;
}

function setupSection(markdown: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^##\s+Setup/i.test(line));
  if (start === -1) return '';
  const end = lines.findIndex((line, i) => i > start && /^##\s/.test(line));
  return lines
    .slice(start + 1, end === -1 ? undefined : end)
    .join('\n')
    .trim();
}
