import type { Connector, ConnectorResult } from '../connector.ts';
import { parseJsonObjectText } from '../shared/json-body.ts';
import { signingSecret } from '../shared/secret-list.ts';
import { createHubEvent } from '../../src/events/hub-event.ts';
import { StandardWebhooksConfigSchema, type StandardWebhooksConfig } from './config.ts';
import { normalizeStandardWebhook } from './normalize.ts';
import { standardWebhookKey, standardWebhookSignature, verifyStandardWebhook } from './verify.ts';

/**
 * Any sender that follows Standard Webhooks (Svix-powered services such as Resend or Clerk, Outpost, …).
 * `provider` names the sender in event types: `type: standard-webhooks, provider: resend` gives
 * `resend.email.delivered`.
 */
export const standardWebhooksConnector: Connector<StandardWebhooksConfig> = {
  type: 'standard-webhooks',
  configSchema: StandardWebhooksConfigSchema,
  secretFields: ['secret'],
  contentTypes: ['application/json'],
  samples: {
    'user.created': 'user.created.json',
    'email.delivered': 'email.delivered.json',
  },

  handle(request, ctx): ConnectorResult {
    const { config } = ctx;
    const meta = verifyStandardWebhook(request, config.secret, config.tolerance, ctx.now());
    const { value: payload, text } = parseJsonObjectText(request.body);
    const summary = normalizeStandardWebhook(config.provider, meta, payload);
    return { events: [createHubEvent({ ...summary, connector: ctx.name, data: payload }, ctx.now())], dataText: [text] };
  },

  sign(body, ctx, meta) {
    const timestamp = Math.floor(ctx.now().getTime() / 1000);
    const key = standardWebhookKey(signingSecret(ctx.config.secret));
    return {
      'content-type': 'application/json',
      'webhook-id': meta.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': standardWebhookSignature(key, meta.id, timestamp, body),
    };
  },
};
