import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Clean page paths → files in src/dashboard. */
const PAGES: Record<string, string> = {
  '/': 'index.html',
  '/login': 'login.html',
  '/event': 'index.html',
  '/dlq': 'index.html',
  '/connectors': 'index.html',
  '/rules': 'index.html',
};

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
}

/**
 * The dashboard: a fixed set of files read once at startup (no path is ever joined from the URL).
 * Pages are public shells; every byte of data comes from the authenticated API.
 */
export function createStaticFiles(
  dir = fileURLToPath(new URL('../dashboard/', import.meta.url)),
): (req: IncomingMessage, res: ServerResponse, pathname: string) => boolean {
  const files = new Map<string, StaticFile>();
  const load = (relative: string) => {
    const body = readFileSync(join(dir, relative));
    files.set(relative, {
      body,
      type: TYPES[extname(relative)] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    });
  };
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !TYPES[extname(entry.name)]) continue;
    const relative = join(entry.parentPath ?? dir, entry.name)
      .slice(dir.length)
      .replace(/^\/+/, '');
    load(relative);
  }
  return (req, res, pathname) => {
    const relative = PAGES[pathname] ?? (pathname.startsWith('/assets/') ? pathname.slice(1) : undefined);
    const file = relative === undefined ? undefined : files.get(relative);
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, { etag: file.etag });
      res.end();
      return true;
    }
    res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length, etag: file.etag, 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : file.body);
    return true;
  };
}
