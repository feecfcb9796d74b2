/**
 * A local HTTP sink that counts deliveries by idempotency key, as a receiver that deduplicates
 * side effects would, and logs when each request came and was answered. Its behaviour per attempt is
 * scriptable: answer, be slow, fail, or reset.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SinkAnswer = 'ok' | 'error' | 'reset' | { delayMs: number };

/** One request, as the sink saw it: when it arrived, and when it was answered 2xx or whether it was failed. */
export interface SinkVisit {
  key: string;
  attempt: number;
  receivedAt: number;
  succeededAt?: number;
  /** Answered 'error' or 'reset' (at once). */
  failed?: true;
}

export interface CountingSink {
  url: string;
  /** Requests received per idempotency key (a count above 1 is a redelivery). */
  readonly received: ReadonlyMap<string, number>;
  /** Keys answered 2xx (the side effect happened once per key, however often it arrived). */
  readonly effects: ReadonlySet<string>;
  /** Every request in order of arrival (Date.now() times). */
  readonly visits: readonly SinkVisit[];
  /** Keys received at least once, in order of first arrival. */
  keys(): string[];
  close(): Promise<void>;
}

/** `answer(key, attempt)` decides each reply; attempt counts from 1 per key. */
export async function startCountingSink(answer: (key: string, attempt: number) => SinkAnswer = () => 'ok'): Promise<CountingSink> {
  const received = new Map<string, number>();
  const effects = new Set<string>();
  const visits: SinkVisit[] = [];
  const server: Server = createServer((req, res) => {
    const key = String(req.headers['idempotency-key'] ?? '');
    const attempt = (received.get(key) ?? 0) + 1;
    received.set(key, attempt);
    const visit: SinkVisit = { key, attempt, receivedAt: Date.now() };
    visits.push(visit);
    const reply = answer(key, attempt);
    req.resume();
    if (reply === 'reset' || reply === 'error') visit.failed = true;
    if (reply === 'reset') return void req.socket.destroy();
    if (reply === 'error') return void res.writeHead(500).end('sink failure');
    const finish = (): void => {
      if (res.destroyed) return;
      effects.add(key);
      visit.succeededAt = Date.now();
      res.writeHead(200).end('ok');
    };
    if (reply === 'ok') finish();
    else setTimeout(finish, reply.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sink`,
    received,
    effects,
    visits,
    keys: () => [...received.keys()],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
