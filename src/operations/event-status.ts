import type { Job } from '../actions/action.ts';
import { summarizeHistory } from '../actions/runtime/attempt-history.ts';
import type { BusHistory, BusStreams, HistoryRecord } from '../bus/event-bus.ts';
import { ROUTER_CONSUMER } from '../rules/rule-router.ts';

/**
 * Where an event stands, from its history records:
 * - `pending`: not routed yet; `unmatched`: routed, and no rule's `on` took it (the router records
 *   nothing then: it has finished the event, which its consumer's progress tells);
 * - `queued`: jobs waiting for a first attempt; `retrying`: a job failed and will be tried again;
 * - `delivered`: every job succeeded; `failed`: a job is dead-lettered or an action could not be rendered.
 */
export type EventStatus = 'pending' | 'unmatched' | 'queued' | 'retrying' | 'delivered' | 'failed';
export const EVENT_STATUSES: readonly EventStatus[] = ['pending', 'unmatched', 'queued', 'retrying', 'delivered', 'failed'];

export type JobState = 'queued' | 'retrying' | 'delivered' | 'dead';

export interface AttemptView {
  time: string;
  attempt: number;
  outcome: string;
  status?: number;
  /** Set instead of `status` when no HTTP was involved (`logged`). */
  label?: string;
  latencyMs?: number;
  error?: string;
  /** Delivered, but not entirely: the email recipients the SMTP server refused. */
  warning?: string;
  response?: string;
  destination?: string;
}

export interface JobView {
  id: string;
  rule: string;
  index: number;
  action?: string;
  state: JobState;
  /** Attempts of every cycle, oldest first; `cycle` counts operator replays. */
  attempts: (AttemptView & { cycle: number })[];
  deadReason?: string;
  replays: number;
  /** Who started each replay cycle, and when (`by` is absent on records from before it was kept). */
  replayedBy: { time: string; by?: string }[];
  params?: Record<string, unknown>;
}

export interface RuleOutcomeView {
  rule?: string;
  /**
   * A matched rule's outcome follows its jobs: `matched` (jobs waiting), `retrying`, `delivered` or `failed`
   * (a job dead-lettered); `held` when noise control kept every job back. Otherwise as recorded
   * (`skipped`, `unmatched`, `error`).
   */
  outcome: string;
  time: string;
  reason?: string;
  failed?: unknown;
  errors?: unknown;
  replay?: boolean;
  /** Who replayed the event, on a replay's outcome. */
  by?: string;
  /** The jobs this outcome queued. */
  jobs?: string[];
}

export interface EventHistory {
  status: EventStatus;
  rules: RuleOutcomeView[];
  jobs: JobView[];
}

export interface StatusOptions {
  withParams?: boolean;
  /** The event's seq, when the caller has read it already. */
  seq?: number;
  /** How far the router has finished the events stream; share one routerProgress() across a page. */
  routedThrough?: () => Promise<number>;
}

/** How far the router has finished, read at most once however many events ask. */
export function routerProgress(bus: Pick<BusStreams, 'finishedThrough'>): () => Promise<number> {
  let progress: Promise<number> | undefined;
  return () => (progress ??= bus.finishedThrough('events', ROUTER_CONSUMER));
}

/** Status, rule outcomes and jobs (with every attempt) of one event. */
export async function loadEventHistory(bus: BusStreams & BusHistory, eventId: string, options: StatusOptions = {}): Promise<EventHistory> {
  const records = await bus.records(eventId);
  const rules = records.filter((r) => r.kind === 'rule').map(toRuleOutcome);
  const jobIds = [...new Set(records.flatMap((r) => (r.kind === 'rule' && Array.isArray(r.data.jobs) ? (r.data.jobs as string[]) : [])))];
  const jobs = await Promise.all(jobIds.map((id) => loadJob(bus, id, options.withParams ?? false)));
  const states = new Map(jobs.map((job) => [job.id, job.state]));
  const routed = rules.length === 0 ? await isRouted(bus, eventId, options) : true;
  return { status: statusOf(rules, jobs, routed), rules: rules.map((rule) => ({ ...rule, outcome: settledOutcome(rule, states) })), jobs };
}

/** Status alone (list rows). */
export async function loadEventStatus(bus: BusStreams & BusHistory, eventId: string, options: StatusOptions = {}): Promise<EventStatus> {
  return (await loadEventHistory(bus, eventId, options)).status;
}

async function isRouted(bus: BusStreams, eventId: string, options: StatusOptions): Promise<boolean> {
  const seq = options.seq ?? (await bus.get('events', eventId))?.seq;
  if (seq === undefined) return false;
  return seq <= (await (options.routedThrough ?? routerProgress(bus))());
}

function statusOf(rules: RuleOutcomeView[], jobs: JobView[], routed: boolean): EventStatus {
  if (rules.length === 0) return routed ? 'unmatched' : 'pending';
  if (jobs.some((j) => j.state === 'dead')) return 'failed';
  if (jobs.some((j) => j.state === 'retrying')) return 'retrying';
  if (jobs.some((j) => j.state === 'queued')) return 'queued';
  if (rules.some((r) => r.outcome === 'error')) return 'failed';
  return jobs.length > 0 ? 'delivered' : 'unmatched';
}

/** The router records `queued` when it publishes a rule's jobs; what the rule achieved is what its jobs did since. */
function settledOutcome(rule: RuleOutcomeView, states: ReadonlyMap<string, JobState>): string {
  if (rule.outcome !== 'queued') return rule.outcome;
  const mine = (rule.jobs ?? []).map((id) => states.get(id));
  if (mine.length === 0) return 'held';
  if (mine.includes('dead')) return 'failed';
  if (mine.includes('retrying')) return 'retrying';
  return mine.every((state) => state === 'delivered') ? 'delivered' : 'matched';
}

function toRuleOutcome(record: HistoryRecord): RuleOutcomeView {
  const d = record.data;
  return {
    ...(typeof d.rule === 'string' ? { rule: d.rule } : {}),
    outcome: typeof d.outcome === 'string' ? d.outcome : 'unknown',
    time: record.time,
    ...(typeof d.reason === 'string' ? { reason: d.reason } : {}),
    ...(d.failed !== undefined && (d.failed as unknown[]).length > 0 ? { failed: d.failed } : {}),
    ...(d.errors !== undefined ? { errors: d.errors } : {}),
    ...(d.replay === true ? { replay: true } : {}),
    ...(typeof d.by === 'string' ? { by: d.by } : {}),
    ...(Array.isArray(d.jobs) ? { jobs: d.jobs as string[] } : {}),
  };
}

async function loadJob(bus: BusStreams & BusHistory, id: string, withParams: boolean): Promise<JobView> {
  const [records, stored] = await Promise.all([bus.records(id), withParams ? bus.get<Job>('jobs', id) : undefined]);
  const history = summarizeHistory(records);
  const { attempts, deadReason, replayedBy } = readJobRecords(records);
  const state: JobState = history.succeeded
    ? 'delivered'
    : history.deadLettered
      ? 'dead'
      : history.attempts.length > 0
        ? 'retrying'
        : 'queued';
  const [, rule = '', index = '0'] = splitJobId(id);
  const job = stored?.payload;
  return {
    id,
    rule: job?.rule ?? rule,
    index: job?.index ?? Number(index),
    ...(job ? { action: job.action } : {}),
    state,
    attempts,
    ...(history.deadLettered && deadReason !== undefined ? { deadReason } : {}),
    replays: replayedBy.length,
    replayedBy,
    ...(withParams && job ? { params: job.params } : {}),
  };
}

/** A job's attempts (each with its replay cycle), its last dead-letter reason, and who replayed it when. */
function readJobRecords(records: readonly HistoryRecord[]): Pick<JobView, 'attempts' | 'deadReason' | 'replayedBy'> {
  let deadReason: string | undefined;
  const attempts: JobView['attempts'] = [];
  const replayedBy: JobView['replayedBy'] = [];
  for (const record of records) {
    if (record.kind === 'replay') {
      replayedBy.push({ time: record.time, ...(typeof record.data.by === 'string' ? { by: record.data.by } : {}) });
    } else if (record.kind === 'dead-letter') deadReason = typeof record.data.reason === 'string' ? record.data.reason : '';
    else if (record.kind === 'attempt')
      attempts.push({ ...(record.data as unknown as AttemptView), time: record.time, cycle: replayedBy.length });
  }
  return { attempts, ...(deadReason !== undefined ? { deadReason } : {}), replayedBy };
}

/** `${eventId}:${rule}:${index}`; event ids may contain ':', rule names may not. */
function splitJobId(id: string): [string, string, string] {
  const last = id.lastIndexOf(':');
  const middle = id.lastIndexOf(':', last - 1);
  return [id.slice(0, middle), id.slice(middle + 1, last), id.slice(last + 1)];
}
