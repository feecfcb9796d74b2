import { z } from 'zod';
import type { Connector } from '../connector.ts';
import { bodyDigestId } from '../shared/body-digest-id.ts';
import { checkEventId, scopedEventId } from '../shared/event-id.ts';
import { getHeader } from '../shared/headers.ts';
import { parseJsonObjectText } from '../shared/json-body.ts';
import { SecretListSchema, signingSecret } from '../shared/secret-list.ts';
import { signSha256Prefixed } from '../shared/sha256-prefixed-signature.ts';
import { normalizeJira } from './normalize.ts';
import { verifyJiraSignature } from './verify.ts';

export const JiraConfigSchema = z.strictObject({
  type: z.literal('jira'),
  /** The admin webhook's Secret; a list during rotation. */
  secret: SecretListSchema,
});

export type JiraConfig = z.output<typeof JiraConfigSchema>;

const ID_HEADER = 'X-Atlassian-Webhook-Identifier';

/** Jira Cloud admin webhooks with a secret (`POST /hooks/<name>`). */
export const jiraConnector: Connector<JiraConfig> = {
  type: 'jira',
  configSchema: JiraConfigSchema,
  contentTypes: ['application/json'],
  secretFields: ['secret'],
  handle(request, ctx) {
    const bodyDigest = verifyJiraSignature(request, ctx.config.secret);
    // The body is the event's data unchanged, so its text is stored as it came.
    const { value: payload, text } = parseJsonObjectText(request.body);
    const header = getHeader(request.headers, ID_HEADER);
    // The identifier is unique only within one Jira site: another site's connector can receive the same one.
    const id =
      header !== undefined ? scopedEventId(ctx.name, checkEventId(header, `${ID_HEADER} header`)) : bodyDigestId(ctx.name, request.body);
    return { events: [normalizeJira(payload, { connector: ctx.name, id, now: ctx.now() })], dataText: [text], bodyDigest };
  },
  sign(body, ctx, meta) {
    const secret = signingSecret(ctx.config.secret);
    // `meta.event` is carried by the body's webhookEvent; Jira sends no event header.
    return {
      'content-type': 'application/json',
      'user-agent': 'Atlassian Webhook HTTP Client',
      'x-atlassian-webhook-identifier': meta.id,
      'x-atlassian-webhook-flow': 'Primary',
      'x-hub-signature': signSha256Prefixed(body, secret),
    };
  },
  samples: {
    'jira:issue_created': 'jira_issue_created.json',
    'jira:issue_updated': 'jira_issue_updated.json',
    comment_created: 'comment_created.json',
  },
  // The signature covers the body only, not the delivery id.
  signsOnlyBody: () => true,
};
