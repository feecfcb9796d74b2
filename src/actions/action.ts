import type { Logger } from 'pino';
import type { z } from 'zod';
import type { BusStreams } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import type { DestinationPolicy } from './runtime/destination-policy.ts';

/** What an action needs from the outside world; injected so tests use real local servers and a fixed clock. */
export interface ActionDeps {
  fetch: typeof fetch;
  now: () => Date;
  /** Channels from hookhub.yaml, by name. */
  channels: Readonly<Record<string, { type: string } & Record<string, unknown>>>;
  signal: AbortSignal;
  /**
   * Resolves a host through the SSRF guard and returns an address that may be connected to
   * (for non-HTTP protocols such as SMTP; HTTP goes through `fetch`, which is already guarded).
   */
  resolveAddress?: (host: string) => Promise<{ address: string }>;
  /** Read access to the bus's history, for actions that report on it (`report`). The workers pass their bus. */
  history?: Pick<BusStreams, 'query' | 'get' | 'eventHeads' | 'lastSeq'>;
}

/**
 * What one attempt of an action gets, probot-style: the outside world (ActionDeps: fetch, clock,
 * channels, abort signal), the job, a logger bound to it, and the event it came from, read lazily.
 */
export interface ActionContext extends ActionDeps {
  job: Job;
  /** Bound to the job's event id, rule and job id. Never give it a secret. */
  log: Logger;
  /** The event the job was made from, read from the bus on first call; undefined when retention removed it. */
  event(): Promise<HubEvent | undefined>;
  /**
   * An earlier run of this job may have reached the destination: it has an earlier attempt (in any
   * cycle) or a replay record (a dead-letter retry and an event replay write one for every job they
   * publish), or this delivery is a redelivery (a crash mid-attempt leaves no record).
   * False on a fresh job's first attempt, so an action that must look before it sends (a platform
   * without idempotency keys) need not look then.
   */
  mayHaveRun: boolean;
}

/** The unit of work the rule router publishes and the workers execute. */
export interface Job {
  /** `${event.id}:${rule}:${index}`: the idempotency key, stable across redelivery and replay. */
  id: string;
  eventId: string;
  eventType: string;
  rule: string;
  index: number;
  /** Action type (registry key). */
  action: string;
  /** Params with every template already rendered against the event. */
  params: Record<string, unknown>;
  /** Paths in `params` that hold a secret's `${VAR}` reference, not its value: workers resolve them at send time. */
  secretRefs?: (string | number)[][];
  /** When the job was planned: a replay plans the job again, so this changes while the id does not. */
  createdAt: string;
  /**
   * The event's `time`, copied when the job is planned: unlike `createdAt` it is the same on every
   * replay, so idempotency keys that need a time (a Bluesky record key) use it. Absent on older jobs.
   */
  eventTime?: string;
}

export interface ActionResult {
  /** HTTP status or protocol code of the final call, when there is one. */
  status?: number;
  /** The first 2 KB of the response, for the attempt record. */
  response?: string;
  /** What happened, for an attempt with no HTTP or protocol status (a `log` channel: `logged`). */
  label?: string;
  /**
   * Delivered, but not entirely (an email some of whose recipients the server refused): recorded with the
   * attempt, logged as a warning and counted in `hookhub_delivery_warnings_total`; the job is done.
   */
  warning?: string;
}

/**
 * An action type (`notify`, `webhook`, …). A plain object in an ActionRegistry: the built-ins in
 * src/actions/index.ts, the feature ones (chat, subscription commands, reminders, rules checks)
 * added by the hub; jobs and rules find it with `findAction`, own properties only.
 *
 * `execute` throws `RetryableError` (with `delayMs` for Retry-After) or `PermanentError`;
 * any other error is treated as retryable by the worker loop.
 */
export interface Action<Params extends Record<string, unknown> = Record<string, unknown>> {
  readonly type: string;
  /** Validates the params in a rule's `do:` entry at load time (before rendering). */
  readonly paramsSchema: z.ZodType<Params>;
  /** Param keys that are NOT templates (e.g. a nested raw JSON schema). Everything else string-valued is rendered. */
  readonly rawParams?: readonly string[];
  /**
   * Top-level params holding a URL the action connects to. One written out in a rule file (no template,
   * no `${VAR}`) that the SSRF guard refuses whatever DNS says is a warning when the rules load.
   */
  readonly destinationUrlParams?: readonly string[];
  /** Names the destination (for rate limits, circuit breakers, and the `channel` reference check). */
  destination(params: Params, deps: Pick<ActionDeps, 'channels'>): string;
  /**
   * The destination key stands for many receivers (a whole origin), each with its own rate limit: a `429`
   * from one of them holds only that job, not the destination (rate-limited.ts).
   */
  readonly sharedDestination?: boolean;
  /**
   * Sends a group of held events as one job (noise control: `group:`, and `activeHours:` holding events):
   * `notify` as a ready-made message, others with `params.digest`. A rule with those keys may use only such actions.
   */
  readonly sendsDigests?: boolean;
  /**
   * Per-destination delivery settings (retry schedule, rate limit, concurrency, circuit breaker,
   * timeout): for `notify` the channel's, for `webhook` its own params. Defaults apply when absent.
   */
  policy?(params: Params, deps: Pick<ActionDeps, 'channels'>): DestinationPolicy;
  execute(params: Params, ctx: ActionContext): Promise<ActionResult>;
}
