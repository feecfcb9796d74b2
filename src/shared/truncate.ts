const ELLIPSIS = '…';

/**
 * Cuts `text` to at most `max` UTF-16 code units, ending with an ellipsis, never splitting a
 * surrogate pair. Prefers a word boundary in the last 20%. Text within the limit is returned as is.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - ELLIPSIS.length;
  if (end <= 0) return ELLIPSIS.slice(0, max);
  // A high surrogate at the cut would leave half a character (an emoji, say) behind.
  if (isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  const space = text.lastIndexOf(' ', end);
  if (space > end * 0.8) end = space;
  return text.slice(0, end).trimEnd() + ELLIPSIS;
}

/** Truncates to a byte budget in UTF-8 (for platforms that count bytes). */
export function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let max = Math.min(text.length, maxBytes);
  while (max > 0 && Buffer.byteLength(truncate(text, max)) > maxBytes) max = Math.floor(max * 0.9);
  return truncate(text, max);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
