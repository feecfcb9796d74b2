import type { Connector } from '../connector.ts';
import { bodyDigestId } from '../shared/body-digest-id.ts';
import { checkEventId } from '../shared/event-id.ts';
import { getHeader } from '../shared/headers.ts';
import { parseJsonObjectText } from '../shared/json-body.ts';
import { signingSecret } from '../shared/secret-list.ts';
import { createHubEvent } from '../../src/events/hub-event.ts';
import { GitlabConfigSchema, type GitlabConfig } from './config.ts';
import { normalizeGitlab } from './normalize.ts';
import { signGitlabBody, verifyGitlabRequest } from './verify.ts';

/** `X-Gitlab-Event` for each sample, as GitLab sends it. */
const HOOK_NAMES: Readonly<Record<string, string>> = {
  push: 'Push Hook',
  tag_push: 'Tag Push Hook',
  issue: 'Issue Hook',
  merge_request: 'Merge Request Hook',
  note: 'Note Hook',
  pipeline: 'Pipeline Hook',
  build: 'Job Hook',
};

/**
 * GitLab project, group and system hooks. Verifies `X-Gitlab-Token` and/or the signing token's
 * `webhook-signature`; id = the signed `webhook-id` with a signing token, else `Idempotency-Key` (kept on
 * retries), else `X-Gitlab-Event-UUID`;
 * type = `gitlab.<object_kind>[.<action>]`, e.g. `gitlab.merge_request.open`, `gitlab.push`.
 */
export const gitlabConnector: Connector<GitlabConfig> = {
  type: 'gitlab',
  configSchema: GitlabConfigSchema,
  contentTypes: ['application/json'],
  secretFields: ['secret', 'signingToken'],
  samples: {
    push: 'push.json',
    issue: 'issue.json',
    merge_request: 'merge_request.json',
    pipeline: 'pipeline.json',
  },

  handle(request, ctx) {
    const signedId = verifyGitlabRequest(request, ctx.config, ctx.now());
    const { value: payload, text } = parseJsonObjectText(request.body);
    const summary = normalizeGitlab(payload);
    // The signature covers webhook-id (GitLab's Idempotency-Key), not the Idempotency-Key header itself: a captured
    // request resent under a new Idempotency-Key must keep its id, or it would be a second event.
    const id = signedId !== undefined ? checkEventId(signedId, 'webhook-id header') : deliveryId(request.headers, request.body, ctx.name);
    return { events: [createHubEvent({ id, connector: ctx.name, data: payload, ...summary }, ctx.now())], dataText: [text] };
  },

  sign(body, ctx, meta) {
    const { secret, signingToken } = ctx.config;
    return {
      'content-type': 'application/json',
      'user-agent': 'GitLab/18.0.0',
      'x-gitlab-event': HOOK_NAMES[meta.event] ?? meta.event,
      'x-gitlab-event-uuid': meta.id,
      'x-gitlab-webhook-uuid': '2fe5d1c4-6a0f-4bb6-9bd5-2f4b2f5cbb6e',
      'idempotency-key': meta.id,
      ...(secret !== undefined ? { 'x-gitlab-token': signingSecret(secret) } : {}),
      ...(signingToken !== undefined ? signGitlabBody(body, signingSecret(signingToken), meta.id, ctx.now()) : {}),
    };
  },
};

/** `Idempotency-Key` (GitLab 17.4+, the same on every retry), else `X-Gitlab-Event-UUID`, else a digest. */
function deliveryId(headers: Parameters<typeof getHeader>[0], body: Buffer, connector: string): string {
  for (const name of ['Idempotency-Key', 'X-Gitlab-Event-UUID']) {
    const value = getHeader(headers, name);
    if (value !== undefined) return checkEventId(value, `${name} header`);
  }
  return bodyDigestId(connector, body);
}
