import { loadChannelLatency } from '../operations/channel-latency.ts';
import { errorRateChartSvg, eventsChartSvg, latencyChartSvg, outcomesChartSvg, summaryText } from '../operations/dashboard-charts.ts';
import { loadEventActivity } from '../operations/delivery-activity.ts';
import type { ApiContext } from './api-deps.ts';
import type { Route } from './api-router.ts';
import { sendJson } from '../http/inbound.ts';

/** Server-rendered SVG charts for the dashboard, each with the numbers behind it for the table fallback. */
export function chartRoutes(ctx: ApiContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/charts/events',
      access: 'viewer',
      async handle({ res }) {
        const activity = await loadEventActivity(ctx.bus, ctx.now());
        sendJson(res, 200, { ...activity, svg: { events: eventsChartSvg(activity), outcomes: outcomesChartSvg(activity) } });
      },
    },
    {
      method: 'GET',
      path: '/api/charts/channels',
      access: 'viewer',
      async handle({ res }) {
        const channels = await loadChannelLatency(ctx.bus, Object.keys(ctx.config.channels), ctx.now());
        const body = channels.map((channel) => ({
          ...channel,
          summary: summaryText(channel),
          svg: { latency: latencyChartSvg(channel), errors: errorRateChartSvg(channel) },
        }));
        sendJson(res, 200, { channels: body });
      },
    },
  ];
}
