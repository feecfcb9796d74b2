import { z } from 'zod';
import type { Connector } from '../connector.ts';
import { PayloadError } from '../../src/errors.ts';
import { bodyDigestId } from '../shared/body-digest-id.ts';
import { checkEventId } from '../shared/event-id.ts';
import { getHeader } from '../shared/headers.ts';
import { hmac } from '../shared/hmac.ts';
import { parseJsonObjectText } from '../shared/json-body.ts';
import { SecretListSchema, signingSecret } from '../shared/secret-list.ts';
import { ToleranceSchema } from '../shared/timestamp.ts';
import { normalizeSentry } from './normalize.ts';
import { checkSentryTimestamp, verifySentrySignature } from './verify.ts';

export const SentryConfigSchema = z.strictObject({
  type: z.literal('sentry'),
  /** The integration's Client Secret; a list during rotation. */
  secret: SecretListSchema,
  /** Seconds `Sentry-Hook-Timestamp` may be off, when present (default 300). */
  tolerance: ToleranceSchema,
});

export type SentryConfig = z.output<typeof SentryConfigSchema>;

/** Sentry integration-platform webhooks (internal or public integrations), `POST /hooks/<name>`. */
export const sentryConnector: Connector<SentryConfig> = {
  type: 'sentry',
  configSchema: SentryConfigSchema,
  contentTypes: ['application/json'],
  secretFields: ['secret'],
  handle(request, ctx) {
    const bodyDigest = verifySentrySignature(request, ctx.config.secret);
    checkSentryTimestamp(request, ctx.now(), ctx.config.tolerance);
    // The body is the event's data unchanged, so its text is stored as it came.
    const { value: payload, text } = parseJsonObjectText(request.body);
    const resource = getHeader(request.headers, 'Sentry-Hook-Resource');
    if (resource === undefined) throw new PayloadError('missing Sentry-Hook-Resource header (cannot tell which resource this is)');
    const header = getHeader(request.headers, 'Request-ID');
    const id = header !== undefined ? checkEventId(header, 'Request-ID header') : bodyDigestId(ctx.name, request.body);
    return { events: [normalizeSentry(payload, { connector: ctx.name, id, resource, now: ctx.now() })], dataText: [text], bodyDigest };
  },
  sign(body, ctx, meta) {
    // Samples are keyed `<resource>.<action>`; the header carries the resource.
    return {
      'content-type': 'application/json',
      'request-id': meta.id,
      'sentry-hook-resource': meta.event.split('.')[0] ?? meta.event,
      'sentry-hook-timestamp': String(Math.floor(ctx.now().getTime() / 1000)),
      'sentry-hook-signature': hmac('sha256', signingSecret(ctx.config.secret), body, 'hex'),
    };
  },
  samples: {
    'issue.created': 'issue.created.json',
    'event_alert.triggered': 'event_alert.triggered.json',
    'metric_alert.resolved': 'metric_alert.resolved.json',
    'installation.created': 'installation.created.json',
  },
  // The signature covers the body only, not the delivery id.
  signsOnlyBody: () => true,
};
