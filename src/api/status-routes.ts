import type { Connector } from '../../connectors/connector.ts';
import { connectorRegistry } from '../../connectors/index.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { loadChannelHealth } from '../operations/channel-health.ts';
import { summaryOf } from '../operations/list-events.ts';
import { findHeadSeq, readWindowBefore } from '../operations/stream-head.ts';
import type { ApiContext } from './api-deps.ts';
import type { Route } from './api-router.ts';
import { loadSetupHint } from './connector-setup.ts';
import { sendJson } from '../http/inbound.ts';

/** Recent events looked at for each connector's "last event" (bounded work per page load). */
const RECENT_EVENTS = 2000;

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
        });
        sendJson(res, 200, { channels });
      },
    },
  ];
}

async function latestByConnector(ctx: ApiContext): Promise<Map<string, ReturnType<typeof summaryOf>>> {
  const head = await findHeadSeq(ctx.bus, 'events', ctx.stream.headHint());
  const scan = await readWindowBefore<HubEvent>(ctx.bus, 'events', head + 1, RECENT_EVENTS);
  const latest = new Map<string, ReturnType<typeof summaryOf>>();
  for (const message of scan.messages) {
    const name = message.payload?.connector;
    if (typeof name === 'string' && !latest.has(name)) latest.set(name, summaryOf(message));
  }
  return latest;
}
