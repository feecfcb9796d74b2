import type { ServerResponse } from 'node:http';
import type { HubEvent } from '../events/hub-event.ts';
import { loadEventDetail } from '../operations/event-detail.ts';
import { loadEventHistory, loadEventStatus, routerProgress } from '../operations/event-status.ts';
import { CursorError, listEvents, MAX_PAGE } from '../operations/list-events.ts';
import { environmentValuesOf, paramsView } from '../operations/event-view.ts';
import { replayEvent, replayView } from '../operations/replay-event.ts';
import type { ApiContext } from './api-deps.ts';
import type { Route } from './api-router.ts';
import { ApiError, readJsonBody } from './http-kit.ts';
import { checkStreamConnector, parseEventFilter, parseLimit, parseSeq } from './query-params.ts';
import { sessionCookieOf } from './session-routes.ts';
import { sendJson } from '../http/inbound.ts';

const STREAM_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' };

/** /api/events: list (filters, cursor), live stream, detail, jobs with attempts, replay (dry run or real). */
export function eventRoutes(ctx: ApiContext): Route[] {
  return [
    listEventsRoute(ctx),
    eventStreamRoute(ctx),
    statusesRoute(ctx),
    eventDetailRoute(ctx),
    eventJobsRoute(ctx),
    replayEventRoute(ctx),
  ];
}

/** GET /api/events: a page of events, by filter and cursor. */
function listEventsRoute(ctx: ApiContext): Route {
  return {
    method: 'GET',
    path: '/api/events',
    access: 'viewer',
    async handle({ res, query }) {
      const filter = parseEventFilter(query, ctx.now);
      const limit = parseLimit(query.get('limit'), MAX_PAGE);
      const cursor = query.get('cursor') || undefined;
      try {
        const page = await listEvents(ctx.bus, { filter, ...(limit ? { limit } : {}), ...(cursor ? { cursor } : {}) });
        sendJson(res, 200, page);
      } catch (error) {
        if (error instanceof CursorError) throw new ApiError(400, error.message);
        throw error;
      }
    },
  };
}

/** GET /api/events/stream: the live stream of new events. */
function eventStreamRoute(ctx: ApiContext): Route {
  return {
    method: 'GET',
    path: '/api/events/stream',
    access: 'viewer',
    async handle({ req, res, query, principal }) {
      // A webhook-id or delivery id can be `stream`: that event shares this path, and a JSON client (the dashboard) asks for it.
      if (wantsJsonOnly(req.headers.accept)) return sendEventDetail(ctx, res, 'stream');
      const filter = parseEventFilter(query, ctx.now);
      if (filter.status)
        throw new ApiError(400, 'the live stream filters by type, connector and q; status changes come from GET /api/statuses');
      checkStreamConnector(filter.connector, Object.keys(ctx.config.connectors));
      const afterSeq = lastEventId(req.headers['last-event-id']) ?? parseSeq('after', query.get('after'));
      // Node sends a HEAD's headers only at its end: subscribed, it would hold a stream slot with nothing ever sent.
      if (req.method === 'HEAD') return void res.writeHead(200, STREAM_HEADERS).end();
      await ctx.stream.subscribe(req, res, {
        filter,
        ...(afterSeq === undefined ? {} : { afterSeq }),
        principal,
        ...(principal.expiresAt ? { expiresAt: principal.expiresAt } : {}),
        withPayload: payloadFlag(query.get('payload')),
        // A logout (in another tab too) ends this session's stream.
        ...(principal.via === 'session' ? { stillValid: () => ctx.auth.session(sessionCookieOf(req)) !== undefined } : {}),
      });
    },
  };
}

/** The header an EventSource sends back as it was given (the hub's seq); anything else is ignored, as browsers would resend it. */
function lastEventId(header: string | string[] | undefined): number | undefined {
  return typeof header === 'string' && /^\d+$/.test(header) && Number.isSafeInteger(Number(header)) ? Number(header) : undefined;
}

/** `payload=1` sends each whole CloudEvent; `payload=true` must not quietly send summaries only. */
function payloadFlag(value: string | null): boolean {
  if (value === null || value === '' || value === '0') return false;
  if (value === '1') return true;
  throw new ApiError(400, `payload: "${value.slice(0, 40)}" is neither 1 (send each whole event) nor 0`);
}

/** GET /api/statuses: the status of each listed event. */
function statusesRoute(ctx: ApiContext): Route {
  return {
    method: 'GET',
    path: '/api/statuses',
    access: 'viewer',
    async handle({ res, query }) {
      const ids = (query.get('ids') ?? '').split(',').filter(Boolean);
      if (ids.length > 200) throw new ApiError(400, 'at most 200 ids');
      const routedThrough = routerProgress(ctx.bus);
      const statuses = await Promise.all(ids.map(async (id) => [id, await loadEventStatus(ctx.bus, id, { routedThrough })] as const));
      sendJson(res, 200, { statuses: Object.fromEntries(statuses) });
    },
  };
}

/** GET /api/events/:id: one event, with the request that brought it where known. */
function eventDetailRoute(ctx: ApiContext): Route {
  return {
    method: 'GET',
    path: '/api/events/:id',
    access: 'viewer',
    handle: ({ res, params }) => sendEventDetail(ctx, res, params.id ?? ''),
  };
}

async function sendEventDetail(ctx: ApiContext, res: ServerResponse, id: string): Promise<void> {
  const detail = await loadEventDetail(ctx.bus, id, environmentValuesOf(ctx.getRuleSet()));
  if (!detail) throw new ApiError(404, 'no such event (or it is older than the retention period)');
  const request = ctx.activity.requestFor(detail.event);
  sendJson(res, 200, { ...detail, ...(request ? { request } : {}) });
}

/** `Accept: application/json` without `text/event-stream`; EventSource, listen and curl (`*\/*`) get the stream. */
function wantsJsonOnly(accept: string | undefined): boolean {
  const types = (accept ?? '').toLowerCase();
  return types.includes('application/json') && !types.includes('text/event-stream');
}

/** GET /api/events/:id/jobs: the event's jobs with their params. */
function eventJobsRoute(ctx: ApiContext): Route {
  return {
    method: 'GET',
    path: '/api/events/:id/jobs',
    access: 'viewer',
    async handle({ res, params }) {
      const id = params.id ?? '';
      const stored = await ctx.bus.get<HubEvent>('events', id);
      if (!stored) throw new ApiError(404, 'no such event');
      const history = await loadEventHistory(ctx.bus, id, { withParams: true });
      const hidden = environmentValuesOf(ctx.getRuleSet());
      const jobs = history.jobs.map((job) =>
        job.params ? { ...job, params: paramsView(job.params, stored.payload, job.action, hidden) } : job,
      );
      sendJson(res, 200, { status: history.status, rules: history.rules, jobs });
    },
  };
}

/** POST /api/events/:id/replay: a dry run for viewers, a real replay for admins. */
function replayEventRoute(ctx: ApiContext): Route {
  return {
    method: 'POST',
    path: '/api/events/:id/replay',
    // Viewers may dry-run; a real replay is checked for admin below.
    access: 'viewer',
    async handle({ req, res, params, principal }) {
      const dryRun = dryRunOf(await readJsonBody(req));
      if (!dryRun && principal.role !== 'admin') throw new ApiError(403, 'replay needs an admin token (viewers may send {"dryRun": true})');
      const stored = await ctx.bus.get<HubEvent>('events', params.id ?? '');
      if (!stored) throw new ApiError(404, 'no such event (or it is older than the retention period)');
      const ruleSet = ctx.getRuleSet();
      const result = await replayEvent(ctx.bus, ruleSet, stored.payload, {
        registry: ctx.registry,
        now: ctx.now,
        dryRun,
        actor: principal.name,
      });
      if (!dryRun)
        ctx.logger.info(
          { eventId: stored.id, by: principal.name, jobs: result.jobs.map((j) => `${j.id}=${j.decision}`) },
          'event replayed',
        );
      sendJson(res, dryRun ? 200 : 202, replayView(result, stored.payload, environmentValuesOf(ruleSet)));
    },
  };
}

/**
 * `{"dryRun": true}` or nothing. Anything else is refused: read loosely, `{"dryRun": "true"}` or
 * `{"dry_run": true}` from a script would be an admin's real replay, which sends the jobs.
 */
function dryRunOf(body: Record<string, unknown>): boolean {
  const unknown = Object.keys(body).find((key) => key !== 'dryRun');
  if (unknown !== undefined)
    throw new ApiError(400, `unknown field "${unknown.slice(0, 40)}": send {"dryRun": true} for a dry run, or {} to replay`);
  if (body.dryRun !== undefined && typeof body.dryRun !== 'boolean')
    throw new ApiError(400, 'dryRun must be true or false (a JSON boolean, not a string)');
  return body.dryRun === true;
}
