/**
 * End-to-end load (its own process): a sink on --sink-port counts deliveries by idempotency key,
 * and a sender POSTs signed GitHub webhooks at a fixed --rate for --seconds. Latency = sink arrival
 * minus send start of the webhook it came from. Prints one JSON result line.
 * The first --warmup-seconds (default 2) are sent the same way and checked for exactly-once, but left
 * out of the latency figures (JIT and connection set-up).
 * Usage: e2e-load.ts --url HUB --secret S --sink-port P [--rate 500] [--seconds 20] [--warmup-seconds 2] [--drain-seconds 30]
 */
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { summarize } from '../../src/observability/percentiles.ts';
import { githubTemplate } from './github-request.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    secret: { type: 'string' },
    'sink-port': { type: 'string' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '20' },
    'drain-seconds': { type: 'string', default: '30' },
    'warmup-seconds': { type: 'string', default: '2' },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const warmup = Math.round(rate * Number(values['warmup-seconds']));
const template = githubTemplate(values.secret ?? '');
const prefix = randomUUID().slice(0, 8);
const sentAt = new Map<string, number>();
const accepted = new Set<string>();
const statuses: Record<string, number> = {};
const arrivals = new Map<string, number>();
const arrivedEvents = new Set<string>();
const latencies: number[] = [];
/** Send time (ms after the measured sends began) of each latency, to tell a start-up backlog from the steady state. */
const sentOffsets: number[] = [];

const sink = createServer((req, res) => {
  const key = String(req.headers['idempotency-key'] ?? '');
  const eventId = key.split(':')[0] ?? '';
  const count = (arrivals.get(key) ?? 0) + 1;
  arrivals.set(key, count);
  arrivedEvents.add(eventId);
  const start = sentAt.get(eventId);
  if (count === 1 && start !== undefined && !eventId.includes('-w')) {
    latencies.push(performance.now() - start);
    sentOffsets.push(start - measuredFrom);
  }
  req.resume();
  req.on('end', () => res.writeHead(200).end());
});
await new Promise<void>((resolve) => sink.listen(Number(values['sink-port']), '127.0.0.1', resolve));

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const target = new URL('/hooks/github', values.url);
function send(id: string): void {
  const { body, headers } = template.delivery(id);
  sentAt.set(id, performance.now());
  const req = request(target, { method: 'POST', agent, headers: { ...headers, 'content-length': body.length } });
  req.on('response', (res) => {
    statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
    if (res.statusCode === 202) accepted.add(id);
    res.resume();
  });
  req.on('error', () => (statuses.error = (statuses.error ?? 0) + 1));
  req.end(body);
}

// A fixed arrival rate, independent of response times (no coordinated omission).
const total = warmup + Math.round(rate * seconds);
const began = performance.now();
const measuredFrom = began + (warmup / rate) * 1000;
let sent = 0;
await new Promise<void>((resolve) => {
  const tick = setInterval(() => {
    const due = Math.min(total, Math.floor(((performance.now() - began) / 1000) * rate));
    while (sent < due) send(sent < warmup ? `${prefix}-w${sent++}` : `${prefix}-${sent++}`);
    if (sent >= total) {
      clearInterval(tick);
      resolve();
    }
  }, 5);
});
const sendSeconds = (performance.now() - began) / 1000;

const deadline = Date.now() + Number(values['drain-seconds']) * 1000;
while (Date.now() < deadline && (answered() < total || [...accepted].some((id) => !arrivedEvents.has(id)))) await sleep(50);
// Keep listening a little longer: a duplicate delivery would show up now.
await sleep(1_000);

function answered(): number {
  return Object.values(statuses).reduce((a, b) => a + b, 0);
}
function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const duplicates = [...arrivals.values()].filter((n) => n > 1).length;
const missing = [...accepted].filter((id) => !arrivedEvents.has(id)).length;
// Webhooks sent in the second half: a backlog left by the cold start shows in the full figures only.
const secondHalf = summarize(latencies.filter((_, i) => (sentOffsets[i] ?? 0) >= (seconds * 1000) / 2));
process.stdout.write(
  `${JSON.stringify({ rate, sendSeconds, sent: total, accepted: accepted.size, statuses, delivered: arrivals.size, duplicates, missing, ...summarize(latencies), secondHalf })}\n`,
);
agent.destroy();
sink.close();
sink.closeAllConnections();
