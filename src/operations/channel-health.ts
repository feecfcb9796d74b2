import type { Job } from '../actions/action.ts';
import type { CircuitState } from '../actions/runtime/circuit-breaker.ts';
import { createGoneDestinations } from '../actions/runtime/gone-destinations.ts';
import { summarizeHistory } from '../actions/runtime/attempt-history.ts';
import type { BusHistory, BusStreams } from '../bus/event-bus.ts';
import { urlOrigin } from './redact.ts';
import { readWindowBefore } from './stream-head.ts';

export interface ChannelHealth {
  name: string;
  type: string;
  /** Scheme and host only: a chat webhook URL's path is itself a secret. */
  target: string;
  /** From this process's delivery worker when wired, else inferred from the recorded attempts (shared by all hub processes). */
  circuit: CircuitState;
  circuitSource: 'worker' | 'history';
  /** Until when this process's delivery worker sends nothing to it, because it answered 429 (rate limited). */
  pausedUntil?: string;
  /** Set when the destination answered 410 Gone (new jobs are dead-lettered until a replay succeeds). */
  goneSince?: string;
  /** Over the most recent jobs (see `window`). */
  recent: {
    jobs: number;
    delivered: number;
    /** Undelivered jobs whose last attempt failed. */
    failing: number;
    /** Undelivered jobs whose last attempt was answered 429: waiting out the destination's rate limit, not failing. */
    rateLimited: number;
    dead: number;
    lastAttempt?: { time: string; outcome: string; status?: number; label?: string; latencyMs?: number; error?: string };
  };
}

export interface ChannelHealthOptions {
  channels: Readonly<Record<string, { type: string } & Record<string, unknown>>>;
  circuitState?: (destination: string) => CircuitState;
  pausedFor?: (destination: string) => number;
  now: () => Date;
  /** Recent jobs to look at. Default 200. */
  window?: number;
}

/** Circuit state, 410 status and the outcome of recent deliveries, per configured channel. */
export async function loadChannelHealth(bus: BusStreams & BusHistory, options: ChannelHealthOptions): Promise<ChannelHealth[]> {
  const gone = createGoneDestinations(bus, options.now);
  const jobs = await recentJobs(bus, options.window ?? 200);
  return Promise.all(
    Object.entries(options.channels).map(async ([name, channel]) => {
      const key = `channel:${name}`;
      const goneSince = await gone.goneSince(key);
      const mine = jobs.filter((job) => job.channel === name);
      const { recent, attempts } = await recentOutcomes(bus, mine);
      const circuit = options.circuitState?.(key) ?? inferCircuit(attempts, channel, options.now());
      const pausedMs = options.pausedFor?.(key) ?? 0;
      return {
        name,
        type: channel.type,
        target: targetOf(channel),
        circuit,
        circuitSource: options.circuitState ? 'worker' : 'history',
        ...(pausedMs > 0 ? { pausedUntil: new Date(options.now().getTime() + pausedMs).toISOString() } : {}),
        ...(goneSince ? { goneSince } : {}),
        recent,
      };
    }),
  );
}

/** What the health of a channel needs of a job: its id, for its records, and its channel. */
interface JobChannel {
  id: string;
  channel: unknown;
}

/** Seqs read at a time below the head: a few jobs (a webhook's job carries its rendered body), then other work's turn. */
const JOB_SLICE = 20;

/**
 * The newest `count` jobs among the `count` × 4 seqs below the head, newest first, read a slice at a
 * time with the event loop let go in between, and stopping once it has them; each keeps only its id
 * and channel, so no more than a slice of payloads is held at once.
 */
async function recentJobs(bus: BusStreams, count: number): Promise<JobChannel[]> {
  // The stream's last seq from an index or the stream's state: no job is read to find it.
  const head = await bus.lastSeq('jobs');
  const floor = Math.max(0, head - count * 4);
  const jobs: JobChannel[] = [];
  for (let before = head + 1; before - 1 > floor && jobs.length < count;) {
    if (before <= head) await new Promise<void>((resolve) => setImmediate(resolve));
    const scan = await readWindowBefore<Job>(bus, 'jobs', before, Math.min(JOB_SLICE, before - 1 - floor), floor);
    for (const { payload } of scan.messages.slice(0, count - jobs.length)) jobs.push({ id: payload.id, channel: payload.params?.channel });
    before = scan.nextBefore;
  }
  return jobs;
}

interface AttemptPoint {
  time: string;
  outcome: string;
  rateLimited?: boolean;
}

/**
 * The breaker's rule replayed over the record: N retryable failures in a row (4xx answers prove the
 * destination is up, so they don't count) open it for the cooldown, then one probe is half-open. A 429
 * (rateLimited) neither counts nor breaks a run, as in the worker's breaker: the destination is up and asks
 * us to slow down.
 */
export function inferCircuit(attempts: readonly AttemptPoint[], channel: Record<string, unknown>, now: Date): CircuitState {
  const policy = (channel.circuitBreaker ?? {}) as { failures?: number; cooldown?: number };
  const threshold = policy.failures ?? 5;
  const sorted = attempts.filter((a) => a.rateLimited !== true).sort((a, b) => a.time.localeCompare(b.time));
  let run = 0;
  for (let i = sorted.length - 1; i >= 0 && sorted[i]?.outcome === 'retry'; i--) run += 1;
  const last = sorted[sorted.length - 1];
  if (run < threshold || !last) return 'closed';
  return Date.parse(last.time) + (policy.cooldown ?? 30_000) > now.getTime() ? 'open' : 'half-open';
}

async function recentOutcomes(
  bus: BusStreams & BusHistory,
  jobs: readonly JobChannel[],
): Promise<{ recent: ChannelHealth['recent']; attempts: AttemptPoint[] }> {
  const recent: ChannelHealth['recent'] = { jobs: jobs.length, delivered: 0, failing: 0, rateLimited: 0, dead: 0 };
  const attempts: AttemptPoint[] = [];
  let latest: { time: string; data: Record<string, unknown> } | undefined;
  for (const job of jobs) {
    const records = await bus.records(job.id);
    for (const r of records) {
      if (r.kind === 'attempt') attempts.push({ time: r.time, outcome: String(r.data.outcome), rateLimited: r.data.rateLimited === true });
    }
    const history = summarizeHistory(records);
    const last = history.attempts[history.attempts.length - 1];
    if (history.succeeded) recent.delivered += 1;
    else if (history.deadLettered) recent.dead += 1;
    else if (last?.data.rateLimited === true) recent.rateLimited += 1;
    else if (last) recent.failing += 1;
    if (last && (!latest || last.time > latest.time)) latest = last;
  }
  if (latest) {
    const d = latest.data;
    recent.lastAttempt = {
      time: latest.time,
      outcome: String(d.outcome),
      ...(typeof d.status === 'number' ? { status: d.status } : {}),
      ...(typeof d.label === 'string' ? { label: d.label } : {}),
      ...(typeof d.latencyMs === 'number' ? { latencyMs: d.latencyMs } : {}),
      ...(typeof d.error === 'string' ? { error: d.error } : {}),
    };
  }
  return { recent, attempts };
}

function targetOf(channel: Record<string, unknown>): string {
  if (typeof channel.url === 'string') return urlOrigin(channel.url) ?? '(invalid url)';
  const smtp = channel.smtp as { host?: unknown; port?: unknown } | undefined;
  return smtp && typeof smtp.host === 'string'
    ? `smtp://${smtp.host}:${typeof smtp.port === 'number' || typeof smtp.port === 'string' ? smtp.port : 587}`
    : '';
}
