import type { Logger } from 'pino';
import type { HubEvent } from '../../events/hub-event.ts';
import type { Action, ActionContext, ActionDeps, Job } from '../action.ts';
import { classifyError, type FailureClass } from './classify-error.ts';
import { RESPONSE_SNIPPET_BYTES } from './http-outcome.ts';

export type AttemptOutcome =
  | { ok: true; status?: number; response?: string; label?: string; warning?: string; latencyMs: number }
  | ({ ok: false; latencyMs: number } & FailureClass);

export interface AttemptContext {
  deps: Omit<ActionDeps, 'signal'>;
  /** The job's logger (bound to its event id, rule and job id), handed to the action. */
  log: Logger;
  timeoutMs: number;
  /** Aborts in-flight attempts when the worker stops hard. */
  stopSignal: AbortSignal;
  /** Called periodically while the attempt runs (extends the bus lease). */
  heartbeat: () => Promise<void>;
  heartbeatMs: number;
  /** Handed to the action as `ActionContext.mayHaveRun`. */
  mayHaveRun: boolean;
}

/**
 * Runs one attempt with a hard per-attempt timeout: the action gets an AbortSignal, and the
 * attempt is abandoned at the deadline even if the action ignores the signal.
 */
export async function runAttempt(action: Action, params: Record<string, unknown>, job: Job, ctx: AttemptContext): Promise<AttemptOutcome> {
  // One controller, aborted by a plain timer or by the worker's stop signal, and no AbortSignal.any():
  // on Node 20 a timeout signal held only inside any() can be garbage-collected before it fires, and
  // any() leaves an entry on the long-lived stop signal for every attempt (about 50 MB per million).
  const controller = new AbortController();
  const { signal } = controller;
  const timer = setTimeout(() => controller.abort(new DOMException('attempt timed out', 'TimeoutError')), ctx.timeoutMs);
  const stopped = (): void => controller.abort(ctx.stopSignal.reason);
  if (ctx.stopSignal.aborted) stopped();
  else ctx.stopSignal.addEventListener('abort', stopped, { once: true });
  const started = performance.now();
  let beatFailed = false;
  const beat = setInterval(
    () =>
      void ctx.heartbeat().catch((err: unknown) => {
        // The next beat may still work; once the hold lapses, the job can be delivered again mid-attempt.
        if (beatFailed) return;
        beatFailed = true;
        ctx.log.warn({ err }, "could not extend the job's hold on the bus: it may be delivered again while this attempt runs");
      }),
    ctx.heartbeatMs,
  );
  try {
    const actionCtx: ActionContext = {
      ...ctx.deps,
      signal,
      job,
      log: ctx.log,
      event: lazyEvent(ctx.deps, job.eventId),
      mayHaveRun: ctx.mayHaveRun,
    };
    const result = await raceAbort(action.execute(params, actionCtx), signal);
    return {
      ok: true,
      latencyMs: Math.round(performance.now() - started),
      ...(result.status === undefined ? {} : { status: result.status }),
      ...(result.response === undefined ? {} : { response: result.response.slice(0, RESPONSE_SNIPPET_BYTES) }),
      ...(result.label === undefined ? {} : { label: result.label }),
      ...(result.warning === undefined ? {} : { warning: result.warning.slice(0, RESPONSE_SNIPPET_BYTES) }),
    };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), ...classifyError(error, ctx.timeoutMs) };
  } finally {
    clearTimeout(timer);
    clearInterval(beat);
    ctx.stopSignal.removeEventListener('abort', stopped);
  }
}

/** The job's event, read from the bus on the first call only (most actions never ask). */
function lazyEvent(deps: Pick<ActionDeps, 'history'>, eventId: string): () => Promise<HubEvent | undefined> {
  let loaded: Promise<HubEvent | undefined> | undefined;
  return () =>
    (loaded ??= deps.history ? deps.history.get<HubEvent>('events', eventId).then((m) => m?.payload) : Promise.resolve(undefined));
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
