import { BulkRetryStoppedError, DeadLetterBusyError, DeadLetterNotFoundError, retryDeadLetters } from '../actions/runtime/dead-letters.ts';
import { listDeadLetterPage, retryDeadLetterSelection } from '../operations/dead-letter-ops.ts';
import type { ApiContext } from './api-deps.ts';
import type { Route } from './api-router.ts';
import { ApiError, readJsonBody } from './http-kit.ts';
import { parseLimit, parseTime } from './query-params.ts';
import { sendJson } from '../http/inbound.ts';
import { PayloadError } from '../errors.ts';

/** /api/dlq: list (newest first), retry one, retry in bulk. The same code as `hookhub dlq`. */
export function dlqRoutes(ctx: ApiContext): Route[] {
  return [listDeadLettersRoute(ctx), retryDeadLetterRoute(ctx), purgeDeadLettersRoute(ctx), retryInBulkRoute(ctx)];
}

/** GET /api/dlq: a page of dead letters, newest first. */
function listDeadLettersRoute(ctx: ApiContext): Route {
  return {
    method: 'GET',
    path: '/api/dlq',
    access: 'viewer',
    async handle({ res, query }) {
      const since = parseTime('since', query.get('since'), ctx.now);
      const limit = parseLimit(query.get('limit'), 500);
      const cursor = query.get('cursor') || undefined;
      const options = { ...(since ? { since } : {}), ...(limit ? { limit } : {}), ...(cursor ? { cursor } : {}) };
      try {
        sendJson(res, 200, await listDeadLetterPage(ctx.bus, options));
      } catch (error) {
        // Both buses refuse a cursor they did not hand out with a PayloadError.
        if (error instanceof PayloadError) throw new ApiError(400, 'cursor is not one this API returned');
        throw error;
      }
    },
  };
}

/** POST /api/dlq/:id/retry: one dead letter back to work. */
function retryDeadLetterRoute(ctx: ApiContext): Route {
  return {
    method: 'POST',
    path: '/api/dlq/:id/retry',
    access: 'admin',
    async handle({ res, params, principal }) {
      try {
        const retried = await retryDeadLetters(ctx.bus, { id: params.id ?? '' }, ctx.now, principal.name);
        ctx.logger.info({ jobId: params.id, by: principal.name }, 'dead letter retried');
        sendJson(res, 202, { retried, missing: [], busy: [] });
      } catch (error) {
        if (error instanceof DeadLetterNotFoundError) throw new ApiError(404, error.message);
        if (error instanceof DeadLetterBusyError) throw new ApiError(409, error.message);
        throw error;
      }
    },
  };
}

/** POST /api/dlq/purge: drops the dead letters older than `before`. */
function purgeDeadLettersRoute(ctx: ApiContext): Route {
  return {
    method: 'POST',
    path: '/api/dlq/purge',
    access: 'admin',
    async handle({ req, res, principal }) {
      const body = await readJsonBody(req);
      const before = parseTime('before', typeof body.before === 'string' ? body.before : null, ctx.now);
      if (!before) throw new ApiError(400, 'send {"before": "30d"} or {"before": "2026-01-31T00:00:00Z"}');
      const purged = await ctx.bus.purgeDeadLetters(before);
      ctx.logger.info({ by: principal.name, purged, before: before.toISOString() }, 'dead letters purged');
      sendJson(res, 200, { purged, before: before.toISOString() });
    },
  };
}

/** POST /api/dlq/retry: the listed dead letters, or all of them, back to work. */
function retryInBulkRoute(ctx: ApiContext): Route {
  return {
    method: 'POST',
    path: '/api/dlq/retry',
    access: 'admin',
    async handle({ req, res, principal }) {
      const body = await readJsonBody(req);
      const selection = bulkSelection(body, ctx.now);
      const result = await retryDeadLetterSelection(ctx.bus, selection, ctx.now, principal.name).catch((error: unknown) => {
        if (!(error instanceof BulkRetryStoppedError)) throw error;
        ctx.logger.error({ err: error.cause, by: principal.name, retried: error.done.retried.length }, 'bulk dead-letter retry stopped');
        return error;
      });
      if (result instanceof BulkRetryStoppedError) {
        const { retried, busy, missing = [] } = result.done;
        return sendJson(res, 503, { error: result.message, retried, missing, busy }, { 'retry-after': '5' });
      }
      ctx.logger.info(
        { by: principal.name, retried: result.retried.length, missing: result.missing.length, busy: result.busy.length },
        'dead letters retried in bulk',
      );
      sendJson(res, 202, result);
    },
  };
}

function bulkSelection(body: Record<string, unknown>, now: () => Date): { ids: string[] } | { all: true; since?: Date } {
  if (body.all === true) {
    if (body.ids !== undefined) throw new ApiError(400, 'give either "ids" or "all": true, not both');
    // Read as no since, a number (seconds?) or null would retry every dead letter.
    if (body.since !== undefined && typeof body.since !== 'string')
      throw new ApiError(400, 'since must be a duration such as "2h" or an ISO 8601 time, as a JSON string');
    const since = parseTime('since', body.since ?? null, now);
    return since ? { all: true, since } : { all: true };
  }
  if (body.since !== undefined) throw new ApiError(400, '"since" goes with "all": true (the listed ids are retried whatever their time)');
  const ids = body.ids;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
    throw new ApiError(400, 'send {"ids": ["<job id>", …]} or {"all": true, "since": "2h"}');
  }
  if (ids.length > 1000) throw new ApiError(400, 'at most 1000 ids per call (or use "all")');
  return { ids };
}
