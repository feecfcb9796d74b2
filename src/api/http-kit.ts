import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, readBody } from '../http/inbound.ts';

/** What the API adds to the inbound kit (src/http/inbound.ts): its error class and JSON object bodies. */

/** An error the API answers with its status and message (anything else is a 500 without details). */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Reads a JSON object body up to `limit` bytes; 415 for another media type (a form post cannot reach a mutation). */
export async function readJsonBody(req: IncomingMessage, limit = 512 * 1024): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const length = Number(req.headers['content-length'] ?? 0);
  if (length === 0 && req.headers['transfer-encoding'] === undefined) return {};
  if (type !== 'application/json') throw new ApiError(415, 'send application/json');
  const body = await readBody(req, limit).catch((error: unknown) => {
    throw error instanceof BodyTooLargeError ? new ApiError(413, `body over ${limit} bytes`) : error;
  });
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError(400, 'body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ApiError(400, 'body must be a JSON object');
  return value as Record<string, unknown>;
}

/** Cookie header → map (first value wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

/** Whether this request reached us over TLS (directly, or via a proxy that says so when publicUrl is https). */
export function isHttps(req: IncomingMessage, publicHttps: boolean): boolean {
  return publicHttps || (req.socket as { encrypted?: boolean }).encrypted === true;
}
