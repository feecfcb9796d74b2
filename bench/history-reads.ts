/**
 * History reads over large stored events: how long the operator API's event list, charts and connector
 * page take on the embedded bus, and how long each holds the event loop (what a webhook or /healthz
 * waits meanwhile). Run: `node bin/run-ts.js bench/history-reads.ts [data file]`. The data file (5,000
 * events of 100 KB, each with a job and an attempt record: about 500 MB, twice that with JOB_BYTES=100000) is generated on first use
 * and reused when it exists; the clock is fixed, so every run sees the same hour of history. ATTEMPTS=11
 * gives each job 11 attempt records, 55,000 in all, past the 50,000 the channels chart reads; a data file
 * keeps the shape it was made with, so give each shape its own file. `/bench/jobs-head` is the jobs
 * stream's head alone (what `/api/channels` finds before it reads its window of recent jobs).
 * DEAD_LETTERS=500 dead-letters that many jobs (each with its payload and 5 attempts), once, into a bus
 * that holds none yet, for `/api/dlq`.
 * With HOOKHUB_NATS_URL set, the same on a NATS bus (streams named after BENCH_PREFIX, default `bench`,
 * filled on first use; the charts count the hour before the run, so fill it within the hour).
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { actions } from '../src/actions/index.ts';
import { createOperatorApi } from '../src/api/operator-api.ts';
import { createEmbeddedBus } from '../src/bus/embedded/embedded-bus.ts';
import { createNatsBus } from '../src/bus/nats/nats-bus.ts';
import type { EventBus } from '../src/bus/event-bus.ts';
import { parseConfig } from '../src/config/load-config.ts';
import { createHubEvent } from '../src/events/hub-event.ts';
import { EMPTY_RULE_SET } from '../src/rules/rule-set.ts';

const EVENTS = 5_000;
const PAYLOAD_BYTES = 100_000;
/** JOB_BYTES=100000: each job carries a rendered body that large, as a webhook action's job does. */
const JOB_BYTES = Number(process.env.JOB_BYTES ?? 0);
/** Attempt records per job: the first as before, the rest with varied latencies and a retry in ten. */
const ATTEMPTS = Number(process.env.ATTEMPTS ?? 1);
const T0 = Date.parse('2026-01-31T12:00:00Z');
const NATS_URL = process.env.HOOKHUB_NATS_URL;
const TOKEN = 'bench-t0ken-0123456789abcdef0123456789';
const READS = (
  process.env.READS ??
  '/api/events,/api/events?type=rare.thing,/api/events?q=zzz,/api/charts/events,/api/charts/channels,/api/connectors,/api/channels,/bench/jobs-head,/api/dlq,/api/dlq?limit=500'
).split(',');

const CLIENT = `
const { parentPort, workerData: { base, token } } = require('node:worker_threads');
const get = (path) => fetch(base + path, { headers: { authorization: 'Bearer ' + token } }).then(async (res) => {
  if (!res.ok) throw new Error(path + ': ' + res.status + ' ' + (await res.text()));
  await res.arrayBuffer();
});
parentPort.on('message', async (url) => {
  let done = false;
  let healthMs = 0;
  const started = performance.now();
  const read = get(url).finally(() => (done = true));
  while (!done) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const asked = performance.now();
    await get('/healthz');
    healthMs = Math.max(healthMs, performance.now() - asked);
  }
  await read;
  parentPort.postMessage({ ms: performance.now() - started, healthMs });
});
`;

const path = process.argv[2] ?? join(tmpdir(), 'hookhub-history-reads.db');
let clock = T0;
const fresh = NATS_URL === undefined && !existsSync(path);
const bus = NATS_URL
  ? await createNatsBus({ url: NATS_URL, prefix: process.env.BENCH_PREFIX ?? 'bench' })
  : await createEmbeddedBus({ path, now: () => new Date(clock) });
if (fresh || (NATS_URL && (await bus.query({ stream: 'events', limit: 1 })).length === 0)) await generate(bus);
const DEAD_LETTERS = Number(process.env.DEAD_LETTERS ?? 0);
if (DEAD_LETTERS > 0 && (await bus.countDeadLetters()) === 0) await deadLetterJobs(bus, DEAD_LETTERS);
// NATS stamps messages with its own clock.
const NOW = NATS_URL ? new Date() : new Date(T0 + 55 * 60_000);

const config = parseConfig(
  join(tmpdir(), 'hookhub.yaml'),
  `connectors:
  github: { type: github, secret: bench-github-secret }
  stripe: { type: stripe, secret: whsec_bench }
channels:
  eng: { type: slack, url: "https://hooks.slack.example/services/T0/B0/bench" }
api: { tokens: [{ name: bench, token: ${TOKEN}, role: admin }] }
`,
  { vars: {} },
);
const api = createOperatorApi({
  bus,
  config,
  getRuleSet: () => EMPTY_RULE_SET,
  registry: actions,
  logger: pino({ level: 'silent' }),
  now: () => NOW,
});
const server = createServer((req, res) => {
  if (req.url === '/healthz') res.end('ok');
  else if (req.url === '/bench/jobs-head') void bus.lastSeq('jobs').then((seq) => res.end(String(seq)));
  else void api.handle(req, res);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const worker = new Worker(CLIENT, { eval: true, workerData: { base, token: TOKEN } });

console.log(`| request | ms | longest event-loop block (ms) | slowest /healthz meanwhile (ms) |`);
console.log(`|---|---|---|---|`);
for (const url of READS) {
  // The first read warms the page cache (as on a hub that has been running) and the client's connection.
  await client(url);
  const blocked = watchLoop();
  const { ms, healthMs } = await client(url);
  console.log(`| GET ${url} | ${ms.toFixed(0)} | ${blocked().toFixed(0)} | ${healthMs.toFixed(0)} |`);
}
await worker.terminate();
server.close();
api.close();
await bus.close();

/** Starts watching this thread's event loop; the returned function stops and tells its longest stall (ms). */
function watchLoop(): () => number {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  return () => {
    clearInterval(timer);
    return Math.max(longest, performance.now() - last);
  };
}

/**
 * The read, from a worker thread that meanwhile asks /healthz every 10 ms: its own event loop, so the
 * slowest answer is what a webhook would wait for while the hub's loop is held.
 */
function client(url: string): Promise<{ ms: number; healthMs: number }> {
  worker.postMessage(url);
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** Events of 100 KB over 50 minutes (one in a thousand is `rare.other`), each with a job and its attempt record. */
async function generate(target: EventBus): Promise<void> {
  const filler = 'x'.repeat(PAYLOAD_BYTES);
  for (let start = 0; start < EVENTS; start += 100) {
    clock = T0 + Math.floor((start * 50 * 60_000) / EVENTS);
    await Promise.all(Array.from({ length: 100 }, (_, k) => store(target, start + k, filler)));
  }
}

async function store(target: EventBus, i: number, filler: string): Promise<void> {
  const github = i % 4 !== 0;
  const event = createHubEvent(
    {
      id: `evt-${i}`,
      type: i % 1000 === 7 ? 'rare.other' : github ? 'github.push' : 'stripe.charge.succeeded',
      connector: github ? 'github' : 'stripe',
      subject: `acme/repo-${i % 50}`,
      title: `change ${i}`,
      actor: 'octocat',
      data: { i, commits: [{ message: `${i}${filler}` }] },
    },
    new Date(clock),
  );
  await target.publish('events', { id: event.id, subject: event.type, payload: event });
  const params = { channel: 'eng', ...(JOB_BYTES > 0 ? { body: 'y'.repeat(JOB_BYTES) } : {}) };
  const job = { id: `${event.id}:forward:0`, eventId: event.id, rule: 'forward', action: 'notify', params };
  await target.publish('jobs', { id: job.id, subject: job.action, payload: job });
  for (let k = 0; k < ATTEMPTS; k++) {
    const outcome = k > 0 && (i + k) % 10 === 0 ? 'retry' : 'success';
    const latencyMs = k === 0 ? 12 : 5 + ((i * 31 + k * 17) % 400);
    await target.record({
      ref: job.id,
      kind: 'attempt',
      time: new Date(clock).toISOString(),
      data: { outcome, latencyMs, channel: 'eng' },
    });
  }
}

/** Dead-letters the first `count` jobs as a worker does: the job whole, with its attempts. */
async function deadLetterJobs(target: EventBus, count: number): Promise<void> {
  const jobs = await target.query({ stream: 'jobs', limit: count });
  for (const [k, job] of jobs.entries()) {
    const attempts = Array.from({ length: 5 }, (_, a) => ({ outcome: 'retry', status: 503, response: 'z'.repeat(2_000), attempt: a + 1 }));
    const time = new Date(Date.parse(job.time) + k).toISOString();
    await target.deadLetter({
      id: job.id,
      subject: job.subject,
      payload: job.payload,
      reason: 'HTTP 503 after 5 attempts',
      time,
      attempts,
    });
  }
}
