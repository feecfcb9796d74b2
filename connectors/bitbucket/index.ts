import { z } from 'zod';
import type { Connector } from '../connector.ts';
import { PayloadError } from '../../src/errors.ts';
import { bodyDigestId } from '../shared/body-digest-id.ts';
import { checkEventId } from '../shared/event-id.ts';
import { getHeader } from '../shared/headers.ts';
import { parseJsonObjectText } from '../shared/json-body.ts';
import { pickString } from '../shared/pick.ts';
import { SecretListSchema, signingSecret } from '../shared/secret-list.ts';
import { signSha256Prefixed } from '../shared/sha256-prefixed-signature.ts';
import { normalizeBitbucket } from './normalize.ts';
import { verifyBitbucketSignature } from './verify.ts';

export const BitbucketConfigSchema = z.strictObject({
  type: z.literal('bitbucket'),
  /** The webhook's Secret; a list during rotation. */
  secret: SecretListSchema,
});

export type BitbucketConfig = z.output<typeof BitbucketConfigSchema>;

/** Bitbucket Cloud and Data Center webhooks (`POST /hooks/<name>`). */
export const bitbucketConnector: Connector<BitbucketConfig> = {
  type: 'bitbucket',
  configSchema: BitbucketConfigSchema,
  contentTypes: ['application/json'],
  secretFields: ['secret'],
  handle(request, ctx) {
    const bodyDigest = verifyBitbucketSignature(request, ctx.config.secret);
    // The body is the event's data unchanged, so its text is stored as it came.
    const { value: payload, text } = parseJsonObjectText(request.body);
    // Data Center repeats the event key in the body; Cloud only sends the header.
    const eventKey = getHeader(request.headers, 'X-Event-Key') ?? pickString(payload, 'eventKey');
    if (eventKey === undefined) throw new PayloadError('missing X-Event-Key header (cannot tell which event this is)');
    const header = getHeader(request.headers, 'X-Request-UUID') ?? getHeader(request.headers, 'X-Request-Id');
    const id = header !== undefined ? checkEventId(header, 'X-Request-UUID header') : bodyDigestId(ctx.name, request.body);
    const event = normalizeBitbucket(payload, { connector: ctx.name, id, eventKey, now: ctx.now() });
    return { events: [event], dataText: [text], bodyDigest };
  },
  sign(body, ctx, meta) {
    const secret = signingSecret(ctx.config.secret);
    return {
      'content-type': 'application/json',
      'user-agent': 'Bitbucket-Webhooks/2.0',
      'x-event-key': meta.event,
      'x-request-uuid': meta.id,
      'x-attempt-number': '1',
      'x-hub-signature': signSha256Prefixed(body, secret),
    };
  },
  samples: {
    'repo:push': 'repo_push.json',
    'pullrequest:created': 'pullrequest_created.json',
    'pr:opened': 'pr_opened.json',
  },
  // The signature covers the body only, not the delivery id.
  signsOnlyBody: () => true,
};
