/**
 * Signed GitHub webhooks from the test process to a hub child process: single sends and a
 * continuous load that records every answer, so each 202 can be checked against the store later.
 */
import { Agent, request } from 'node:http';
import { githubTemplate } from '../../../bench/load/github-request.ts';
import { BENCH_SECRET } from '../../../bench/lib/hub-config.ts';

/** The HTTP status, or `error` when the connection failed (hub killed, refused, timed out). */
export type Outcome = number | 'error';

export interface Answer {
  id: string;
  outcome: Outcome;
  /** The response body (JSON text for 202). */
  body: string;
  /** The Retry-After header, when the hub sent one. */
  retryAfter?: string;
  /** Date.now() when the request started and when it was answered. */
  startedAt: number;
  endedAt: number;
}

const template = githubTemplate(BENCH_SECRET);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** POSTs one signed webhook with delivery id `id`; never rejects. */
export function sendWebhook(baseUrl: string, id: string, timeoutMs = 10_000, via: Agent = agent): Promise<Answer> {
  const startedAt = Date.now();
  const delivery = template.delivery(id);
  return new Promise((resolve) => {
    let body = '';
    let retryAfter: string | undefined;
    const done = (outcome: Outcome): void =>
      resolve({ id, outcome, body, startedAt, endedAt: Date.now(), ...(retryAfter === undefined ? {} : { retryAfter }) });
    const req = request(new URL('/hooks/github', baseUrl), {
      method: 'POST',
      agent: via,
      timeout: timeoutMs,
      headers: { ...delivery.headers, 'content-length': delivery.body.length },
    });
    req.on('response', (res) => {
      retryAfter = res.headers['retry-after'];
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done(res.statusCode ?? 0));
      res.on('error', () => done('error'));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => done('error'));
    req.end(delivery.body);
  });
}

export interface Load {
  /** Stops sending and resolves with every answer once the requests in flight settled. */
  stop(): Promise<Answer[]>;
  answers(): readonly Answer[];
  /** Ids answered 202 so far. */
  accepted(): string[];
}

/** `concurrency` senders, each sending the next unique id as soon as its previous answer came. */
export function startLoad(baseUrl: () => string, prefix: string, concurrency = 16, pauseMs = 0): Load {
  const answers: Answer[] = [];
  let next = 0;
  let running = true;
  const sender = async (): Promise<void> => {
    while (running) {
      const answer = await sendWebhook(baseUrl(), `${prefix}-${next++}`, 5_000);
      answers.push(answer);
      // A refused connection answers at once; don't spin while the hub is down.
      if (answer.outcome === 'error' || pauseMs > 0)
        await new Promise((r) => setTimeout(r, Math.max(pauseMs, answer.outcome === 'error' ? 20 : 0)));
    }
  };
  const senders = Array.from({ length: concurrency }, () => sender());
  return {
    async stop() {
      running = false;
      await Promise.all(senders);
      return answers;
    },
    answers: () => answers,
    accepted: () => answers.filter((a) => a.outcome === 202).map((a) => a.id),
  };
}

/** Sends `ids` with at most `concurrency` in flight; resolves with every answer. */
export async function sendAll(baseUrl: string, ids: readonly string[], concurrency = 16): Promise<Answer[]> {
  const answers: Answer[] = [];
  let i = 0;
  const worker = async (): Promise<void> => {
    while (i < ids.length) answers.push(await sendWebhook(baseUrl, ids[i++]!));
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  return answers;
}

/**
 * An open-loop load: `perSecond` webhooks a second with unique ids, whatever the answers take (a slow
 * hub gets more requests in flight, as from real providers). Each request gives up after `timeoutMs`.
 */
export function startPacedLoad(baseUrl: string, prefix: string, perSecond: number, timeoutMs = 10_000): Load {
  const answers: Answer[] = [];
  const inFlight = new Set<Promise<void>>();
  // Enough sockets that a slow hub never makes requests queue in the client (that would count as hub latency).
  const paced = new Agent({ keepAlive: true, maxSockets: perSecond * Math.ceil(timeoutMs / 1000) });
  const started = Date.now();
  let sent = 0;
  const tick = (): void => {
    const due = Math.floor(((Date.now() - started) * perSecond) / 1000);
    for (; sent < due; sent++) {
      const request = sendWebhook(baseUrl, `${prefix}-${sent}`, timeoutMs, paced).then((answer) => void answers.push(answer));
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    }
  };
  const timer = setInterval(tick, 5);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
      paced.destroy();
      return answers;
    },
    answers: () => answers,
    accepted: () => answers.filter((a) => a.outcome === 202).map((a) => a.id),
  };
}
