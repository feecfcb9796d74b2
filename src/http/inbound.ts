/**
 * The one inbound HTTP kit every handler uses (webhooks, API, approvals, dashboard): reading a body
 * under a limit, answering JSON, text or an error, and the security headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
  constructor(readonly limit: number) {
    super(`body exceeds the ${limit} byte limit (server.bodyLimit)`);
  }
}

/** The client closed the connection (or broke the HTTP framing) before its body was complete: its request, not the server, failed. */
export class IncompleteBodyError extends Error {
  override name = 'IncompleteBodyError';
  constructor(received: number, cause: unknown) {
    super(`request body incomplete: the sender closed the connection after ${received} bytes`, { cause });
  }
}

/** Reads the raw request bytes, refusing (before buffering) anything over `limit`. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once('error', (error) => reject(new IncompleteBodyError(size, error)));
  });
}

/** JSON answers are never cached: they carry live state, and some carry a viewer's data. */
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

export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: message }, headers);
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
