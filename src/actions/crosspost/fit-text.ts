/**
 * Fits post text to a platform's limit without ever cutting a URL: text is cut at a word
 * boundary with an ellipsis, a URL is kept whole or left out, and the post's `link` is always kept.
 */

/** A piece of a post: plain text, or a URL (`link`) shown as `text` (which may be shortened). */
export interface Segment {
  text: string;
  link?: string;
}

export interface TextLimits {
  max: number;
  /** Length of plain text as the platform counts it (code points, graphemes). */
  count: (text: string) => number;
  /** What a URL costs, when the platform counts URLs specially (Mastodon: 23). */
  urlCost?: number;
  /** How a URL is shown in the text (Bluesky shows a shortened form and links the full URL). */
  displayUrl?: (url: string) => string;
}

const ELLIPSIS = '…';
const URL_PATTERN = /https?:\/\/[^\s<>"]+/g;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export const countCodePoints = (text: string): number => [...text].length;
export const countGraphemes = (text: string): number => [...graphemes.segment(text)].length;

/** Splits text into plain and URL segments. Trailing punctuation is not part of a URL. */
export function segmentText(text: string, displayUrl: (url: string) => string = (u) => u): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = trimUrl(match[0]);
    const start = match.index ?? 0;
    if (start > last) out.push({ text: text.slice(last, start) });
    out.push({ text: displayUrl(url), link: url });
    last = start + url.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

function trimUrl(url: string): string {
  let end = url.replace(/[.,;:!?'"]+$/, '');
  // A closing parenthesis belongs to the URL only if it opens one (Wikipedia links).
  while (end.endsWith(')') && (end.match(/\(/g)?.length ?? 0) < (end.match(/\)/g)?.length ?? 0))
    end = end.slice(0, -1).replace(/[.,;:!?'"]+$/, '');
  return end;
}

interface Atom {
  text: string;
  cost: number;
  link?: string;
  space: boolean;
}

/** Builds the post: `text` (trimmed to fit) followed by `link` unless the text already contains it. */
export function composePost(text: string, link: string | undefined, limits: TextLimits): Segment[] {
  const display = limits.displayUrl ?? ((u: string) => u);
  const body = segmentText(text.trim(), display);
  const tail: Segment[] =
    link && !body.some((s) => s.link === link) ? [{ text: body.length > 0 ? ' ' : '' }, { text: display(link), link }] : [];
  const cost = (s: Segment) => (s.link !== undefined && limits.urlCost !== undefined ? limits.urlCost : limits.count(s.text));
  const total = [...body, ...tail].reduce((n, s) => n + cost(s), 0);
  if (total <= limits.max) return merge([...body, ...tail]);
  const budget = limits.max - tail.reduce((n, s) => n + cost(s), 0) - limits.count(` ${ELLIPSIS}`);
  const atoms = body.flatMap((s): Atom[] =>
    s.link !== undefined
      ? [{ text: s.text, link: s.link, cost: cost(s), space: false }]
      : [...graphemes.segment(s.text)].map((g) => ({ text: g.segment, cost: limits.count(g.segment), space: /^\s+$/.test(g.segment) })),
  );
  const kept = takeWithin(atoms, budget);
  if (kept.length === 0) return merge(tail.filter((s) => s.link !== undefined));
  // An ellipsis right after a URL would be linked as part of it by the platform.
  const gap = kept[kept.length - 1]?.link !== undefined ? [{ text: ' ' }] : [];
  return merge([...kept, ...gap, { text: ELLIPSIS }, ...tail]);
}

/** The longest prefix within budget, ending at a word boundary when that loses little. */
function takeWithin(atoms: Atom[], budget: number): Segment[] {
  let used = 0;
  let n = 0;
  while (n < atoms.length && used + (atoms[n]?.cost ?? 0) <= budget) used += atoms[n++]?.cost ?? 0;
  const next = atoms[n];
  if (next && !next.space && next.link === undefined && n > 0 && !atoms[n - 1]?.space) {
    // Mid-word: back up to the last space if it keeps at least 60% of what fits.
    let space = n - 1;
    while (space > 0 && !atoms[space]?.space) space--;
    if (space >= n * 0.6) n = space;
  }
  while (n > 0 && atoms[n - 1]?.space) n--;
  return atoms.slice(0, n).map((a) => (a.link !== undefined ? { text: a.text, link: a.link } : { text: a.text }));
}

function merge(segments: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (s.text === '' && s.link === undefined) continue;
    if (last && last.link === undefined && s.link === undefined) last.text += s.text;
    else out.push({ ...s });
  }
  return out;
}

export function joinSegments(segments: readonly Segment[]): string {
  return segments.map((s) => s.text).join('');
}
