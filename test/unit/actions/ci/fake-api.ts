/**
 * A programmable fake of a provider's HTTP API: a real node:http server on port 0 that records
 * every request and answers through a handler written like the provider's documented contract.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActionDeps, Job } from '../../../../src/actions/action.ts';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string | string[]>;
}

/** May answer later (a promise): a provider that accepts a request but answers after the client gave up. */
export type FakeHandler = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

export interface FakeApi {
  url: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

export async function startFakeApi(handler: FakeHandler): Promise<FakeApi> {
  const requests: FakeRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const request = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      void answer(request).then((reply) => {
        if (res.destroyed) return;
        const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        const type = typeof reply.body === 'string' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8';
        res.writeHead(reply.status, { ...(text ? { 'content-type': type } : {}), ...reply.headers });
        res.end(text);
      });
    });
  });
  const answer = async (request: FakeRequest): Promise<FakeReply> => {
    try {
      return await handler(request);
    } catch (error) {
      return { status: 599, body: { fakeApiError: (error as Error).message } };
    }
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // A reply still held back by the handler keeps its connection open.
        server.closeAllConnections();
      }),
  };
}

/** Deps for calling an action directly: the platform fetch (injected, not patched) and a fixed clock. */
export function testDeps(now = new Date('2026-11-28T12:00:00Z'), channels: ActionDeps['channels'] = {}): ActionDeps {
  return { fetch, now: () => now, channels, signal: AbortSignal.timeout(10_000) };
}

export function testJob(action: string, params: Record<string, unknown> = {}, id = 'evt_1:rule:0'): Job {
  return { id, eventId: 'evt_1', eventType: 'github.push', rule: 'rule', index: 0, action, params, createdAt: '2026-11-28T11:59:00.000Z' };
}

export function jsonBody(request: FakeRequest): Record<string, unknown> {
  return JSON.parse(request.body) as Record<string, unknown>;
}
