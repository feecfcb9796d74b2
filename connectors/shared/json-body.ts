import { PayloadError } from '../../src/errors.ts';

const MAX_ECHO = 80;

/**
 * Parses a verified body as JSON, or throws PayloadError saying what is wrong with it:
 * empty, truncated, or not JSON at all. Call it only after the signature checked out.
 */
export function parseJsonBody(body: Buffer | string): unknown {
  let text = typeof body === 'string' ? body : body.toString('utf8');
  // A UTF-8 byte order mark is not JSON, but some senders prepend one.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim().length === 0) throw new PayloadError('body is empty (expected JSON)');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (endsTooSoon(reason, text.trimEnd().length)) {
      throw new PayloadError(`body is truncated JSON (it ends after ${Buffer.byteLength(text)} bytes)`);
    }
    throw new PayloadError(`body is not JSON: ${reason.slice(0, MAX_ECHO)}`);
  }
}

/** The parser stopped at the very end of the input: the body was cut off, not merely malformed. */
function endsTooSoon(reason: string, length: number): boolean {
  if (/end of JSON input/i.test(reason)) return true;
  const position = /at position (\d+)/.exec(reason)?.[1];
  return position !== undefined && Number(position) >= length;
}

/** Like parseJsonBody, but the top level must be an object (as every provider sends). */
export function parseJsonObject(body: Buffer | string): Record<string, unknown> {
  const value = parseJsonBody(body);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    throw new PayloadError(`body is JSON but ${kind}, not an object`);
  }
  return value as Record<string, unknown>;
}
