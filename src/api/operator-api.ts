import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HookObservation } from '../ingress/ingress-server.ts';
import type { ApiContext, OperatorApiDeps } from './api-deps.ts';
import { allows, decodablePath, matchRoute, type Route } from './api-router.ts';
import { createAuthenticator, type Authenticator, type Principal, type Session } from './auth.ts';
import { headerPolicyFor } from '../operations/header-policy.ts';
import { createConnectorActivity } from './connector-activity.ts';
import { checkCsrf } from './csrf.ts';
import { chartRoutes } from './chart-routes.ts';
import { dlqRoutes } from './dlq-routes.ts';
import { metaRoutes } from './meta-routes.ts';
import { EventStream } from './event-stream.ts';
import { eventRoutes } from './events-routes.ts';
import { ApiError, isHttps } from './http-kit.ts';
import { checkSingleValues } from './query-params.ts';
import { ruleRoutes } from './rules-routes.ts';
import { createSessionRevocations, SESSION_REVOCATIONS_BUCKET, type SessionRevocations } from './session-revocations.ts';
import { createClientAddress } from '../http/client-address.ts';
import { sessionCookieOf, sessionRoutes } from './session-routes.ts';
import { createStaticFiles } from './static-files.ts';
import { statusRoutes } from './status-routes.ts';
import { sendJson, setSecurityHeaders } from '../http/inbound.ts';
import { classifyFailure, describeFailure, isInfrastructure } from '../bus/consumer-failure.ts';

export type { OperatorApiDeps } from './api-deps.ts';

/** What a call refused while the bus is away tells the caller to wait, as the ingress does (hooks-route.ts). */
const BUS_RETRY_AFTER_SECONDS = '5';

export interface OperatorApi {
  /** Serves /api/** and the dashboard: pass as IngressServer's `fallback`. */
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** Pass as IngressServer's `onHook`: feeds the connectors page and the event page's request headers. */
  observeHook: (observation: HookObservation) => void;
  /** Ends live streams and the refresh of logouts (call before closing the server and the bus). */
  close(): void;
}

/**
 * The operator surface: a REST API under /api (bearer tokens or a dashboard session, roles viewer
 * and admin, CSRF checks on cookie mutations) and the static dashboard at /. See docs/api.md.
 */
export function createOperatorApi(deps: OperatorApiDeps): OperatorApi {
  const now = deps.now ?? (() => new Date());
  const stream = createEventStream(deps, now);
  const revocations = startSessionRevocations(deps, now, stream);
  const auth = createAuthenticator(deps.config.api.tokens, { ttlMs: deps.config.api.sessionTtl, now, revocations });
  const ctx: ApiContext = {
    ...deps,
    now,
    activity: createConnectorActivity({
      connectors: Object.keys(deps.config.connectors),
      headerPolicy: headerPolicyFor(deps.config.connectors),
    }),
    stream,
    auth,
  };
  if (deps.config.api.tokens.length === 0)
    deps.logger.warn('api.tokens is empty in hookhub.yaml: the dashboard and /api refuse every request (see docs/api.md)');
  const publicUrl = deps.config.server.publicUrl;
  const routes = operatorRoutes(ctx, publicUrl);
  const serveStatic = createStaticFiles();

  return {
    handle(req, res) {
      serveRequest({ routes, auth, publicUrl }, serveStatic, deps.logger, req, res);
    },
    observeHook: (observation) => ctx.activity.observe(observation),
    close() {
      revocations.stop();
      stream.close();
    },
  };
}

function createEventStream(deps: OperatorApiDeps, now: () => Date): EventStream {
  return new EventStream({
    bus: deps.bus,
    logger: deps.logger,
    now,
    ...(deps.streamIntervalMs ? { intervalMs: deps.streamIntervalMs } : {}),
    ...(deps.streamProbe ? { probe: deps.streamProbe } : {}),
  });
}

/** Logouts are shared through the bus, so that one ends the session on every hub process. */
function startSessionRevocations(deps: OperatorApiDeps, now: () => Date, stream: EventStream): SessionRevocations {
  const revocations = createSessionRevocations({
    kv: deps.bus.kv(SESSION_REVOCATIONS_BUCKET),
    now,
    logger: deps.logger,
    onRevoke: () => stream.endLoggedOut(),
    ...(deps.sessionProbe ? { probe: deps.sessionProbe } : {}),
    ...(deps.sessionRefreshMs ? { intervalMs: deps.sessionRefreshMs } : {}),
  });
  revocations.start();
  return revocations;
}

/** Every /api route: login and logout first, then the rest. */
function operatorRoutes(ctx: ApiContext, publicUrl: string | undefined): Route[] {
  return [
    ...sessionRoutes({
      auth: ctx.auth,
      publicUrl,
      ttlMs: ctx.config.api.sessionTtl,
      now: ctx.now,
      logger: ctx.logger,
      clientAddress: createClientAddress(ctx.config.server.trustedProxies),
    }),
    ...eventRoutes(ctx),
    ...dlqRoutes(ctx),
    ...ruleRoutes(ctx),
    ...statusRoutes(ctx),
    ...chartRoutes(ctx),
    ...metaRoutes(ctx),
  ];
}

/** Security headers on every answer; /api/** goes to dispatch, anything else to the dashboard's files. */
function serveRequest(
  api: { routes: Route[]; auth: Authenticator; publicUrl: string | undefined },
  serveStatic: ReturnType<typeof createStaticFiles>,
  logger: OperatorApiDeps['logger'],
  req: IncomingMessage,
  res: ServerResponse,
): void {
  setSecurityHeaders(res, isHttps(req, api.publicUrl?.startsWith('https:') ?? false));
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://hub.invalid');
  } catch {
    return sendJson(res, 400, { error: 'bad request target' });
  }
  if (!url.pathname.startsWith('/api/')) {
    if (serveStatic(req, res, url.pathname)) return;
    return sendJson(res, 404, { error: 'not found' });
  }
  dispatch(api, req, res, url).catch((error: unknown) => answerError(res, error, logger));
}

/** Route, authenticate (bearer or session), authorize by role, check CSRF on cookie mutations, handle. */
async function dispatch(
  api: { routes: Route[]; auth: Authenticator; publicUrl: string | undefined },
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (!decodablePath(url.pathname)) throw new ApiError(400, 'the path has malformed percent-encoding: encode ids with encodeURIComponent');
  const { matched, allowed } = matchRoute(api.routes, method, url.pathname);
  if (!matched) {
    if (allowed.length > 0) throw new ApiError(405, `use ${allowed.join(' or ')}`, { allow: allowed.join(', ') });
    throw new ApiError(404, 'no such API endpoint (see docs/api.md)');
  }
  const { route, params } = matched;
  let principal: Principal = { name: 'anonymous', role: 'viewer', via: 'bearer' };
  if (route.access !== 'public') {
    const who = identify(req, api.auth);
    if (!who)
      throw new ApiError(401, 'authentication required: Authorization: Bearer <token>, or log in at /login', {
        'www-authenticate': 'Bearer realm="hookhub"',
      });
    principal = who.principal;
    if (!allows(principal, route.access))
      throw new ApiError(403, `this needs an ${route.access} token; ${principal.name} is a ${principal.role}`);
    if (who.session && method !== 'GET' && method !== 'HEAD') checkCsrf(req, api.auth, who.session, api.publicUrl);
  }
  checkSingleValues(url.searchParams);
  await route.handle({ req, res, params, query: url.searchParams, principal });
}

/** A bearer header decides alone (a wrong one is 401 even with a valid cookie); otherwise the session cookie. */
function identify(req: IncomingMessage, auth: Authenticator): { principal: Principal; session?: Session } | undefined {
  if (req.headers.authorization !== undefined) {
    const principal = auth.bearer(req.headers.authorization);
    return principal ? { principal } : undefined;
  }
  const session = auth.session(sessionCookieOf(req));
  return session ? { principal: session.principal, session } : undefined;
}

function answerError(res: ServerResponse, error: unknown, logger: OperatorApiDeps['logger']): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof ApiError) return sendJson(res, error.status, { error: error.message }, error.headers);
  // The store or NATS is away (a full disk, NATS restarting): the hub's state, not a bug, and it passes.
  const reason = classifyFailure(error);
  if (isInfrastructure(reason)) {
    logger.warn({ err: (error as Error).message, reason }, 'operator API: event store unavailable, answering 503');
    const error503 = `event store unavailable: ${describeFailure(reason)}; try again shortly (GET /readyz says when it is back)`;
    return sendJson(res, 503, { error: error503 }, { 'retry-after': BUS_RETRY_AFTER_SECONDS });
  }
  logger.error({ err: error }, 'operator API failure');
  sendJson(res, 500, { error: 'internal error' });
}
