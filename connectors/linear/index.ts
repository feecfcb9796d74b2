import { refreshLinearSample } from './fresh-sample.ts';
import { z } from 'zod';
import type { Connector } from '../connector.ts';
import { bodyDigestId } from '../shared/body-digest-id.ts';
import { checkEventId } from '../shared/event-id.ts';
import { getHeader } from '../shared/headers.ts';
import { hmac } from '../shared/hmac.ts';
import { parseJsonObjectText } from '../shared/json-body.ts';
import { SecretListSchema, signingSecret } from '../shared/secret-list.ts';
import { normalizeLinear } from './normalize.ts';
import { assertFreshWebhookTimestamp, verifyLinearSignature } from './verify.ts';

export const LinearConfigSchema = z.strictObject({
  type: z.literal('linear'),
  /** The webhook's signing secret; a list during rotation. */
  secret: SecretListSchema,
  /** Seconds `webhookTimestamp` may differ from now; Linear's SDK uses 60. */
  tolerance: z.number().int().positive().max(3600).default(60),
});

export type LinearConfig = z.output<typeof LinearConfigSchema>;

/** Linear workspace and OAuth-app webhooks (`POST /hooks/<name>`). */
export const linearConnector: Connector<LinearConfig> = {
  type: 'linear',
  configSchema: LinearConfigSchema,
  contentTypes: ['application/json'],
  secretFields: ['secret'],
  handle(request, ctx) {
    verifyLinearSignature(request, ctx.config.secret);
    // The body is the event's data unchanged, so its text is stored as it came.
    const { value: payload, text } = parseJsonObjectText(request.body);
    assertFreshWebhookTimestamp(payload, ctx.now(), ctx.config.tolerance);
    const header = getHeader(request.headers, 'Linear-Delivery');
    const id = header !== undefined ? checkEventId(header, 'Linear-Delivery header') : bodyDigestId(ctx.name, request.body);
    return { events: [normalizeLinear(payload, { connector: ctx.name, id, now: ctx.now() })], dataText: [text] };
  },
  sign(body, ctx, meta) {
    // Samples are keyed `<Type>.<action>`; Linear-Event carries the type alone (e.g. `Issue`).
    return {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Linear-Webhook',
      'linear-delivery': meta.id,
      'linear-event': meta.event.split('.')[0] ?? meta.event,
      'linear-signature': hmac('sha256', signingSecret(ctx.config.secret), body, 'hex'),
    };
  },
  prepareSample: (body, { now }) => refreshLinearSample(body, now),
  // The signature covers the body, not Linear-Delivery: within the timestamp tolerance a captured body
  // would verify again under a new delivery id.
  signsOnlyBody: () => true,
  samples: {
    'Issue.create': 'Issue.create.json',
    'Issue.update': 'Issue.update.json',
    'Comment.create': 'Comment.create.json',
  },
};
