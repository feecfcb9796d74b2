import type { Helper } from '../shared/sandboxed-handlebars.ts';

/**
 * Text helpers for rule templates. Each is a pure function of its arguments; Handlebars passes
 * an `options` object last, which `register` strips. Output is text for chat, email and JSON,
 * never HTML, so nothing is HTML-escaped: use the escape helpers for the context you write into.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** `{{json value [indent]}}`: JSON text; undefined renders as null. */
const json: Helper = ([value, indent]) => JSON.stringify(value ?? null, null, typeof indent === 'number' ? indent : undefined);

/** `{{truncate text 80 ["…"]}}`: at most N characters including the suffix; never splits an emoji. */
const truncate: Helper = ([value, length, suffix]) => {
  const text = toText(value);
  const max = typeof length === 'number' ? length : Number(length);
  const end = typeof suffix === 'string' ? suffix : '…';
  if (!Number.isFinite(max)) return text;
  const graphemes = Array.from(segmenter.segment(text), (s) => s.segment);
  if (graphemes.length <= max) return text;
  const keep = Math.max(0, max - Array.from(segmenter.segment(end)).length);
  return graphemes.slice(0, keep).join('') + end;
};

/** `{{default a b "fallback"}}`: the first value that is not missing, null or empty. */
const fallback: Helper = (args) => args.find((v) => v !== undefined && v !== null && v !== '') ?? '';

const upper: Helper = ([value]) => toText(value).toUpperCase();
const lower: Helper = ([value]) => toText(value).toLowerCase();

/** `{{join list [", "] [key="name"]}}`: joins a list, or one field of each item. */
const join: Helper = ([list, separator], { hash }) => {
  if (!Array.isArray(list)) return toText(list);
  const key = typeof hash.key === 'string' ? hash.key : undefined;
  const items = key ? list.map((item) => (isRecord(item) && Object.hasOwn(item, key) ? item[key] : undefined)) : list;
  return items
    .filter((v) => v !== undefined && v !== null)
    .map(toText)
    .join(typeof separator === 'string' ? separator : ', ');
};

/** `{{#if (eq a b)}}`: strict equality, for conditional text. */
const eq: Helper = ([a, b]) => a === b;

/**
 * `{{value path}}`: as a whole param value, keeps the value's type (number, boolean, object)
 * instead of turning it into text. Inside longer text it renders like `{{path}}` (objects as JSON).
 */
const value: Helper = ([v], { data }) => {
  const sink = data?.sink as { value?: unknown } | undefined;
  if (sink) sink.value = v;
  return v !== null && typeof v === 'object' ? JSON.stringify(v) : toText(v);
};

/** Slack mrkdwn: & < > are control characters. https://api.slack.com/reference/surfaces/formatting#escaping */
const escapeSlack: Helper = ([v]) => toText(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Markdown (CommonMark, GitHub, Discord): backslash-escape punctuation that could start formatting. */
const escapeMarkdown: Helper = ([v]) => toText(v).replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');

/** The inside of a JSON string literal: quotes, backslashes, newlines and control characters escaped. */
const escapeJson: Helper = ([v]) => JSON.stringify(toText(v)).slice(1, -1);

/** `{{urlEncode title}}`: percent-encoded for a URL's path segment or query value (destination URLs do it themselves). */
const urlEncode: Helper = ([v]) => encodeURIComponent(toText(v));

export const TEXT_HELPERS: Readonly<Record<string, Helper>> = {
  json,
  truncate,
  default: fallback,
  upper,
  lower,
  join,
  eq,
  value,
  escapeSlack,
  escapeMarkdown,
  escapeJson,
  urlEncode,
};

/** How a value reads in text: missing and null are empty, objects are JSON. */
export function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects returned above; String() of a primitive is the intent
  return String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}
