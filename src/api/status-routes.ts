import type { Connector } from '../../connectors/connector.ts';
import { connectorRegistry } from '../../connectors/index.ts';
import { loadChannelHealth } from '../operations/channel-health.ts';
import { summaryOfHead } from '../operations/event-summary.ts';
import type { ApiContext } from './api-deps.ts';
import type { Route } from './api-router.ts';
import { loadSetupHint } from './connector-setup.ts';
import { sendJson } from '../http/inbound.ts';

/** Recent events looked at for each connector's "last event" (bounded work per page load). */
const RECENT_EVENTS = 2000;
const SLICE = 500;
/** Reads at most, however many jobs lie between events. */
const MAX_READS = 8;

/** /api/connectors (last event, answers since start, last error, setup hint) and /api/channels (health). */
export function statusRoutes(ctx: ApiContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/connectors',
      access: 'viewer',
      async handle({ req, res }) {
        const base = ctx.config.server.publicUrl?.replace(/\/$/, '') ?? `http://${req.headers.host ?? 'localhost'}`;
        const latest = await latestByConnector(ctx);
        const connectors = await Promise.all(
          Object.entries(ctx.config.connectors).map(async ([name, block]) => {
            const connector = (connectorRegistry as Record<string, Connector | undefined>)[block.type];
            const last = latest.get(name);
            return {
              name,
              type: block.type,
              url: `${base}/hooks/${encodeURIComponent(name)}`,
              contentTypes: connector?.contentTypes ?? [],
              ...(last ? { lastEvent: last } : {}),
              answers: ctx.activity.counts(name),
              setup: await loadSetupHint(block.type),
            };
          }),
        );
        sendJson(res, 200, { connectors, unknown: ctx.activity.counts('_unknown'), recentWindow: RECENT_EVENTS });
      },
    },
    {
      method: 'GET',
      path: '/api/channels',
      access: 'viewer',
      async handle({ res }) {
        const channels = await loadChannelHealth(ctx.bus, {
          channels: ctx.config.channels,
          now: ctx.now,
          ...(ctx.circuitState ? { circuitState: ctx.circuitState } : {}),
          ...(ctx.pausedFor ? { pausedFor: ctx.pausedFor } : {}),
        });
        sendJson(res, 200, { channels });
      },
    },
  ];
}

/**
 * The newest event of each configured connector among the RECENT_EVENTS newest, from event heads (no
 * payload), a few hundred at a time with the event loop free in between, stopping once each is found.
 */
async function latestByConnector(ctx: ApiContext): Promise<Map<string, ReturnType<typeof summaryOfHead>>> {
  const wanted = new Set(Object.keys(ctx.config.connectors));
  const latest = new Map<string, ReturnType<typeof summaryOfHead>>();
  let before: number | undefined;
  for (let read = 0, reads = 0; read < RECENT_EVENTS && latest.size < wanted.size && reads < MAX_READS; reads++) {
    if (reads > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const page = await ctx.bus.eventHeads({
      limit: Math.min(SLICE, RECENT_EVENTS - read),
      span: 50 * SLICE,
      ...(before ? { beforeSeq: before } : {}),
    });
    read += page.heads.length;
    for (const head of page.heads)
      if (wanted.has(head.connector) && !latest.has(head.connector)) latest.set(head.connector, summaryOfHead(head));
    if (page.next === undefined) break;
    before = page.next;
  }
  return latest;
}
