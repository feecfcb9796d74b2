import type { IncomingMessage, ServerResponse } from 'node:http';

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

/**
 * helmet's defaults, plus a CSP with no inline script or style at all: the dashboard is static
 * files from this origin. https://helmetjs.github.io/#reference
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
].join('; ');

export function setSecurityHeaders(res: ServerResponse, https: boolean): void {
  res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  res.setHeader('cross-origin-resource-policy', 'same-origin');
  res.setHeader('origin-agent-cluster', '?1');
  res.setHeader('x-dns-prefetch-control', 'off');
  res.setHeader('x-permitted-cross-domain-policies', 'none');
  res.setHeader('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
  if (https) res.setHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Reads a JSON object body up to `limit` bytes; 415 for another media type (a form post cannot reach a mutation). */
export async function readJsonBody(req: IncomingMessage, limit = 512 * 1024): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const length = Number(req.headers['content-length'] ?? 0);
  if (length === 0 && req.headers['transfer-encoding'] === undefined) return {};
  if (type !== 'application/json') throw new ApiError(415, 'send application/json');
  if (length > limit) throw new ApiError(413, `body over ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new ApiError(413, `body over ${limit} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
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
