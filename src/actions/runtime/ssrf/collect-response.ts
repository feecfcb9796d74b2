import type http from 'node:http';
import { BufferedResponse } from './buffered-response.ts';

/** Reads the response up to `maxBytes` (the rest is dropped) into a Response. */
export function collectResponse(res: http.IncomingMessage, maxBytes: number): Promise<Response> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (): void => {
      const status = res.statusCode ?? 502;
      const nullBody = status === 204 || status === 205 || status === 304;
      const init = { status, statusText: res.statusMessage ?? '', headers: toHeaders(res) };
      resolve(nullBody ? new Response(null, init) : new BufferedResponse(Buffer.concat(chunks), init));
    };
    res.on('data', (chunk: Buffer) => {
      if (size >= maxBytes) return;
      chunks.push(chunk.subarray(0, maxBytes - size));
      size += chunk.length;
      if (size >= maxBytes) {
        res.destroy();
        finish();
      }
    });
    res.on('end', finish);
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('response aborted')));
  });
}

function toHeaders(res: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value !== undefined) headers.set(key, value);
  }
  return headers;
}
