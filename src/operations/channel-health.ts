import type { Job } from '../actions/action.ts';
import type { CircuitState } from '../actions/runtime/circuit-breaker.ts';
import { createGoneDestinations } from '../actions/runtime/gone-destinations.ts';
import { summarizeHistory } from '../actions/runtime/attempt-history.ts';
import type { EventBus } from '../bus/event-bus.ts';
import { findHeadSeq, readWindowBefore } from './stream-head.ts';

export interface ChannelHealth {
  name: string;
  type: string;
  /** Scheme and host only: a chat webhook URL's path is itself a secret. */
  target: string;
  /** In this hub process; `unknown` when the API runs without the delivery worker. */
  circuit: CircuitState | 'unknown';
  /** Set when the destination answered 410 Gone (new jobs are dead-lettered until a replay succeeds). */
  goneSince?: string;
  /** Over the most recent jobs (see `window`). */
  recent: { jobs: number; delivered: number; failing: number; dead: number; lastAttempt?: { time: string; outcome: string; status?: number; latencyMs?: number; error?: string } };
}

export interface ChannelHealthOptions {
  channels: Readonly<Record<string, { type: string } & Record<string, unknown>>>;
  circuitState?: (destination: string) => CircuitState;
  now: () => Date;
  /** Recent jobs to look at. Default 200. */
  window?: number;
}

/** Circuit state, 410 status and the outcome of recent deliveries, per configured channel. */
export async function loadChannelHealth(bus: EventBus, options: ChannelHealthOptions): Promise<ChannelHealth[]> {
  const gone = createGoneDestinations(bus, options.now);
  const jobs = await recentJobs(bus, options.window ?? 200);
  return Promise.all(
    Object.entries(options.channels).map(async ([name, channel]) => {
      const key = `channel:${name}`;
      const goneSince = await gone.goneSince(key);
      const mine = jobs.filter((job) => job.params?.channel === name);
      return { name, type: channel.type, target: targetOf(channel), circuit: options.circuitState?.(key) ?? 'unknown', ...(goneSince ? { goneSince } : {}), recent: await recentOutcomes(bus, mine) };
    }),
  );
}

async function recentJobs(bus: EventBus, count: number): Promise<Job[]> {
  const head = await findHeadSeq(bus, 'jobs');
  const scan = await readWindowBefore<Job>(bus, 'jobs', head + 1, count * 4);
  return scan.messages.slice(0, count).map((m) => m.payload);
}

async function recentOutcomes(bus: EventBus, jobs: Job[]): Promise<ChannelHealth['recent']> {
  const recent: ChannelHealth['recent'] = { jobs: jobs.length, delivered: 0, failing: 0, dead: 0 };
  let latest: { time: string; data: Record<string, unknown> } | undefined;
  for (const job of jobs) {
    const history = summarizeHistory(await bus.records(job.id));
    if (history.succeeded) recent.delivered += 1;
    else if (history.deadLettered) recent.dead += 1;
    else if (history.attempts.length > 0) recent.failing += 1;
    const last = history.attempts[history.attempts.length - 1];
    if (last && (!latest || last.time > latest.time)) latest = last;
  }
  if (latest) {
    const d = latest.data;
    recent.lastAttempt = {
      time: latest.time,
      outcome: String(d.outcome),
      ...(typeof d.status === 'number' ? { status: d.status } : {}),
      ...(typeof d.latencyMs === 'number' ? { latencyMs: d.latencyMs } : {}),
      ...(typeof d.error === 'string' ? { error: d.error } : {}),
    };
  }
  return recent;
}

function targetOf(channel: Record<string, unknown>): string {
  if (typeof channel.url === 'string') {
    try {
      return new URL(channel.url).origin;
    } catch {
      return '(invalid url)';
    }
  }
  const smtp = channel.smtp as { host?: unknown; port?: unknown } | undefined;
  return smtp && typeof smtp.host === 'string' ? `smtp://${smtp.host}:${String(smtp.port ?? 587)}` : '';
}
