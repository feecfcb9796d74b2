import type { Connector } from '../connector.ts';
import { bodyDigestId } from '../shared/body-digest-id.ts';
import { checkEventId } from '../shared/event-id.ts';
import { getHeader } from '../shared/headers.ts';
import { parseJsonObjectText } from '../shared/json-body.ts';
import { signingSecret } from '../shared/secret-list.ts';
import { RazorpayConfigSchema, type RazorpayConfig } from './config.ts';
import { normalizeRazorpay } from './normalize.ts';
import { signRazorpay, verifyRazorpaySignature } from './verify.ts';

const ID_HEADER = 'X-Razorpay-Event-Id';

/**
 * Razorpay webhooks. Verifies `X-Razorpay-Signature`; id = `X-Razorpay-Event-Id` (the same on
 * every retry of an event), else a digest of the body; type = `razorpay.<event>`.
 */
export const razorpayConnector: Connector<RazorpayConfig> = {
  type: 'razorpay',
  configSchema: RazorpayConfigSchema,
  contentTypes: ['application/json'],
  secretFields: ['secret'],
  samples: {
    'payment.captured': 'payment.captured.json',
    'order.paid': 'order.paid.json',
    'refund.created': 'refund.created.json',
  },

  handle(request, ctx) {
    const bodyDigest = verifyRazorpaySignature(request, ctx.config.secret);
    // The body is the event's data unchanged, so its text is stored as it came.
    const { value: payload, text } = parseJsonObjectText(request.body);
    const header = getHeader(request.headers, ID_HEADER);
    const id = header !== undefined ? checkEventId(header, `${ID_HEADER} header`) : bodyDigestId(ctx.name, request.body);
    return { events: [normalizeRazorpay(payload, { connector: ctx.name, id, now: ctx.now() })], dataText: [text], bodyDigest };
  },

  sign(body, ctx, meta) {
    // `meta.event` travels in the body's `event` field; Razorpay sends no event header.
    return {
      'content-type': 'application/json',
      'user-agent': 'Razorpay-Webhook/v1',
      'x-razorpay-event-id': meta.id,
      'x-razorpay-signature': signRazorpay(body, signingSecret(ctx.config.secret)),
    };
  },
  // The signature covers the body only, not the delivery id.
  signsOnlyBody: () => true,
};
