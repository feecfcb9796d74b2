import type { Connector, ConnectorResult } from '../connector.ts';
import { hmac } from '../shared/hmac.ts';
import { parseJsonObjectText } from '../shared/json-body.ts';
import { signingSecret } from '../shared/secret-list.ts';
import { createHubEvent } from '../../src/events/hub-event.ts';
import { StripeConfigSchema, type StripeConfig } from './config.ts';
import { normalizeStripe } from './normalize.ts';
import { stripeSignatureHeader, verifyStripeSignature } from './verify.ts';

/**
 * Stripe webhook endpoints (snapshot events, and thin events).
 * Verifies `Stripe-Signature` within `tolerance`; id = the event's `evt_…` id, so Stripe's retries and
 * duplicate deliveries dedup; type = `stripe.<event.type>`.
 */
export const stripeConnector: Connector<StripeConfig> = {
  type: 'stripe',
  configSchema: StripeConfigSchema,
  secretFields: ['secret'],
  contentTypes: ['application/json'],
  // Stripe dedups on the body's evt_ id: give each triggered sample its own (`trigger --id evt_…` as given).
  prepareSample: (body, { id }) => {
    const event = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    return Buffer.from(JSON.stringify({ ...event, id: id.startsWith('evt_') ? id : `evt_${id.replace(/-/g, '')}` }, null, 2));
  },
  samples: {
    'payment_intent.succeeded': 'payment_intent.succeeded.json',
    'payment_intent.payment_failed': 'payment_intent.payment_failed.json',
    'charge.refunded': 'charge.refunded.json',
    'customer.subscription.created': 'customer.subscription.created.json',
    'invoice.payment_failed': 'invoice.payment_failed.json',
  },

  handle(request, ctx): ConnectorResult {
    verifyStripeSignature(request, ctx.config.secret, ctx.config.tolerance, ctx.now());
    const { value: payload, text } = parseJsonObjectText(request.body);
    const summary = normalizeStripe(payload);
    return { events: [createHubEvent({ ...summary, connector: ctx.name, data: payload }, ctx.now())], dataText: [text] };
  },

  sign(body, ctx) {
    const timestamp = Math.floor(ctx.now().getTime() / 1000);
    const v1 = hmac('sha256', signingSecret(ctx.config.secret), [`${timestamp}.`, body], 'hex');
    return {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      'stripe-signature': stripeSignatureHeader(timestamp, v1),
    };
  },
};
