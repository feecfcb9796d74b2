import { z } from 'zod';
import type { Connector } from '../connector.ts';
import { hmac } from '../shared/hmac.ts';
import { parseJsonObjectText } from '../shared/json-body.ts';
import { SecretListSchema, signingSecret } from '../shared/secret-list.ts';
import { normalizePagerduty } from './normalize.ts';
import { verifyPagerdutySignature } from './verify.ts';

export const PagerdutyConfigSchema = z.strictObject({
  type: z.literal('pagerduty'),
  /** The webhook subscription's signing secret; a list during rotation. */
  secret: SecretListSchema,
});

export type PagerdutyConfig = z.output<typeof PagerdutyConfigSchema>;

/** PagerDuty v3 webhook subscriptions (`POST /hooks/<name>`). */
export const pagerdutyConnector: Connector<PagerdutyConfig> = {
  type: 'pagerduty',
  configSchema: PagerdutyConfigSchema,
  contentTypes: ['application/json'],
  secretFields: ['secret'],
  handle(request, ctx) {
    verifyPagerdutySignature(request, ctx.config.secret);
    // The body is the event's data unchanged, so its text is stored as it came.
    const { value: payload, text } = parseJsonObjectText(request.body);
    return { events: [normalizePagerduty(payload, request.body, ctx.name, ctx.now())], dataText: [text] };
  },
  sign(body, ctx, meta) {
    // The event type and id travel in the body (`event.event_type`, `event.id`).
    return {
      'content-type': 'application/json',
      'user-agent': 'PagerDuty-Webhook/V3.0',
      'x-webhook-id': meta.id,
      'x-pagerduty-signature': `v1=${hmac('sha256', signingSecret(ctx.config.secret), body, 'hex')}`,
    };
  },
  samples: {
    'incident.triggered': 'incident.triggered.json',
    'incident.priority_updated': 'incident.priority_updated.json',
    'incident.annotated': 'incident.annotated.json',
    'service.updated': 'service.updated.json',
    'pagey.ping': 'pagey.ping.json',
  },
};
