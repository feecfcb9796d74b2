import { parseDuration } from '../../shared/duration.ts';

/** The longest mute from chat: a forgotten snooze should not silence a channel for ever. */
export const MAX_MUTE_MS = 30 * 86_400_000;

/** `2h`, `30m`, `1d`, `1w`, `90min`, `2 hours` (two words joined by the caller) → milliseconds; a unit is required. */
export function parseMuteDuration(text: string): { ms: number; text: string } | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(text.trim());
  const ms = match ? parseDuration(`${match[1]}${match[2]}`) : undefined;
  return match && ms !== undefined && ms > 0 ? { ms: Math.round(ms), text: `${match[1]}${match[2]}` } : undefined;
}

/** `2h 30m`-style text for replies. */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms / 60_000);
  for (const [unit, size] of [
    ['d', 1440],
    ['h', 60],
    ['m', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.length > 0 ? parts.join(' ') : `${Math.round(ms / 1000)}s`;
}
