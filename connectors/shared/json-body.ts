import { PayloadError } from '../../src/errors.ts';
import { checkUtf8 } from './utf8-body.ts';

const MAX_ECHO = 80;
/** Far beyond any provider's payload (GitHub's nest about 10 deep); deeper input only costs stack further on. */
export const MAX_JSON_DEPTH = 128;

/**
 * Parses a verified body as JSON, or throws PayloadError saying what is wrong with it:
 * empty, truncated, or not JSON at all. Call it only after the signature checked out.
 */
export function parseJsonBody(body: Buffer | string): unknown {
  return parseJsonBodyText(body).value;
}

/**
 * Like parseJsonBody, with the exact text it parsed: a connector that keeps the value unchanged as an
 * event's `data` hands the text on (ConnectorResult.dataText), so the hub stores it as it came.
 */
export function parseJsonBodyText(body: Buffer | string): { value: unknown; text: string } {
  const text = jsonTextOf(body);
  return { value: parseJsonText(text), text };
}

/** The body as text, without the UTF-8 byte order mark some senders prepend (it is not JSON). Bytes must be UTF-8. */
function jsonTextOf(body: Buffer | string): string {
  if (typeof body !== 'string') checkUtf8(body);
  const text = typeof body === 'string' ? body : body.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function parseJsonText(text: string): unknown {
  if (text.trim().length === 0) throw new PayloadError('body is empty (expected JSON)');
  // Nesting deeper than the limit needs more opening brackets than it: a 2 KB payload has about 10, and
  // counting them settles most bodies before any other check.
  const mayNestDeep = !openersAtMost(text, MAX_JSON_DEPTH);
  // A large body is scanned before the parse: JSON.parse handles any depth, but deep nesting costs it
  // ten to twenty times a flat body of the same size (1 MB: 113 against 5 ms), and a leaked secret should
  // not buy that. Up to SCAN_FIRST_ABOVE the parse costs less than a flat body at the size limit would.
  if (mayNestDeep && text.length > SCAN_FIRST_ABOVE && nestingExceeds(text, MAX_JSON_DEPTH)) throw tooDeep();
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (endsTooSoon(reason, text.trimEnd().length)) {
      throw new PayloadError(`body is truncated JSON (it ends after ${Buffer.byteLength(text)} bytes)`);
    }
    throw new PayloadError(`body is not JSON: ${reason.slice(0, MAX_ECHO)}`);
  }
  if (mayNestDeep && text.length <= SCAN_FIRST_ABOVE && nestsDeeperThan(value, MAX_JSON_DEPTH)) throw tooDeep();
  return value;
}

/** Bodies longer than this (in characters) are checked for nesting before they are parsed. */
const SCAN_FIRST_ABOVE = 64 * 1024;

function tooDeep(): PayloadError {
  return new PayloadError(`body nests JSON deeper than ${MAX_JSON_DEPTH} levels`);
}

/**
 * Whether arrays and objects in a parsed value nest deeper than `max` (the value itself is level 1).
 * Walking the parsed value costs a fifth of scanning its text for brackets outside strings (a 21 KB
 * GitHub payload: 3 against 16 µs), and the recursion stops at `max` levels, so no input can exhaust the
 * stack. Own values only (`Object.values`): an enumerable property on Object.prototype is not the body's.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (max < 1) return true;
  const items: unknown[] = Array.isArray(value) ? value : Object.values(value);
  for (const item of items) if (typeof item === 'object' && item !== null && nestsDeeperThan(item, max - 1)) return true;
  return false;
}

/** Whether `text` holds at most `max` of `{` and `[` together, in strings or not. */
function openersAtMost(text: string, max: number): boolean {
  let count = 0;
  for (const opener of ['{', '[']) {
    for (let i = text.indexOf(opener); i !== -1; i = text.indexOf(opener, i + 1)) if (++count > max) return false;
  }
  return true;
}

/**
 * Whether brackets outside strings nest deeper than `max` (one linear pass, before anything recursive
 * sees the body). Strings are skipped with indexOf: most of a payload's bytes are in strings (URLs), and
 * a native search is several times faster than looking at each character here.
 */
export function nestingExceeds(text: string, max: number): boolean {
  // Nesting deeper than `max` needs more than `max` opening brackets. A 2 KB payload has about 10, and
  // counting them settles it in a tenth of the scan's time.
  if (openersAtMost(text, max)) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = closingQuote(text, i);
      if (i < 0) return false; // unterminated: JSON.parse says so
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** The index of the quote that ends the string opened at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  for (let q = text.indexOf('"', open + 1); q >= 0; q = text.indexOf('"', q + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
  return -1;
}

/** The parser stopped at the very end of the input: the body was cut off, not merely malformed. */
function endsTooSoon(reason: string, length: number): boolean {
  if (/end of JSON input/i.test(reason)) return true;
  const position = /at position (\d+)/.exec(reason)?.[1];
  return position !== undefined && Number(position) >= length;
}

/** Like parseJsonBody, but the top level must be an object (as every provider sends). */
export function parseJsonObject(body: Buffer | string): Record<string, unknown> {
  return parseJsonObjectText(body).value;
}

/** Like parseJsonBodyText, but the top level must be an object. */
export function parseJsonObjectText(body: Buffer | string): { value: Record<string, unknown>; text: string } {
  const { value, text } = parseJsonBodyText(body);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    throw new PayloadError(`body is JSON but ${kind}, not an object`);
  }
  return { value: value as Record<string, unknown>, text };
}
