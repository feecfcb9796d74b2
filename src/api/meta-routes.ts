import { randomUUID } from 'node:crypto';
import { metaSample } from '../meta/meta-samples.ts';
import type { ApiContext } from './api-deps.ts';
import type { Route } from './api-router.ts';
import { ApiError, readJsonBody } from './http-kit.ts';
import { sendJson } from '../http/inbound.ts';

/** POST /api/meta-events/sample: publishes a sample meta-event (`hookhub trigger hookhub <type>`), to try rules end to end. */
export function metaRoutes(ctx: ApiContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/meta-events/sample',
      access: 'admin',
      async handle({ req, res, principal }) {
        const body = await readJsonBody(req);
        if (typeof body.type !== 'string') throw new ApiError(400, 'send {"type": "job.dead_lettered"} (a meta-event type)');
        let event;
        try {
          event = metaSample(body.type, ctx.now(), randomUUID());
        } catch (err) {
          throw new ApiError(400, (err as Error).message);
        }
        const { duplicate } = await ctx.bus.publish('events', { id: event.id, subject: event.type, payload: event });
        ctx.logger.info({ id: event.id, type: event.type, by: principal.name }, 'sample meta-event published');
        sendJson(res, 202, { id: event.id, type: event.type, duplicate });
      },
    },
  ];
}
