import type { Connector, ConnectorResult, WebhookRequest } from '../connector.ts';
import { hmac } from '../shared/hmac.ts';
import { requireHeader } from '../shared/headers.ts';
import { signingSecret } from '../shared/secret-list.ts';
import { createHubEvent } from '../../src/events/hub-event.ts';
import { VerificationError } from '../../src/errors.ts';
import { GithubConfigSchema, type GithubConfig } from './config.ts';
import { normalizeGithub } from './normalize.ts';
import { parseGithubPayload } from './payload.ts';
import { verifyGithubSignature } from './verify.ts';

/**
 * GitHub repository, organization and App webhooks.
 * Verifies `X-Hub-Signature-256`; id = `X-GitHub-Delivery` (kept on redelivery, so redeliveries dedup);
 * type = `github.<X-GitHub-Event>[.<action>]`. A `ping` is recorded and answered with GitHub's zen line.
 */
export const githubConnector: Connector<GithubConfig> = {
  type: 'github',
  configSchema: GithubConfigSchema,
  secretFields: ['secret', 'token', 'app.privateKey'],
  // `token` and `app.privateKey` call GitHub's API: GitHub issues them, and no delivery carries them.
  deliverySecretFields: ['secret'],
  // GitHub's webhook form offers both; form-encoded is a common pick by mistake, so it is accepted.
  contentTypes: ['application/json', 'application/x-www-form-urlencoded'],
  samples: {
    ping: 'ping.json',
    push: 'push.json',
    pull_request: 'pull_request.opened.json',
    issues: 'issues.opened.json',
    release: 'release.published.json',
    workflow_run: 'workflow_run.completed.json',
  },

  // eslint-disable-next-line @typescript-eslint/require-await -- async turns a synchronous throw (a bad signature or body) into the rejection callers expect
  async handle(request, ctx): Promise<ConnectorResult> {
    const event = readEventName(request);
    const delivery = readDeliveryId(request);
    const bodyDigest = verifyGithubSignature(request, ctx.config.secret);
    const payload = parseGithubPayload(request);
    const summary = normalizeGithub(event, payload.value);
    const hubEvent = createHubEvent({ id: delivery, connector: ctx.name, data: payload.value, ...summary }, ctx.now());
    // The payload is the event's data unchanged, so its text can be stored as it came.
    const dataText = [payload.text];
    if (event !== 'ping') return { events: [hubEvent], dataText, bodyDigest };
    // GitHub shows the response body in the webhook's "Recent Deliveries" tab.
    return { events: [hubEvent], dataText, bodyDigest, reply: { status: 200, body: { ok: true, id: delivery, zen: summary.title ?? '' } } };
  },

  sign(body, ctx, meta) {
    const secret = signingSecret(ctx.config.secret);
    return {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/hookhub',
      'x-github-event': meta.event,
      'x-github-delivery': meta.id,
      'x-hub-signature-256': `sha256=${hmac('sha256', secret, body, 'hex')}`,
    };
  },
  // The signature covers the body only, not the delivery id.
  signsOnlyBody: () => true,
};

function readEventName(request: WebhookRequest): string {
  const event = requireHeader(request.headers, 'X-GitHub-Event').toLowerCase();
  if (!/^[a-z0-9_]+$/.test(event)) throw new VerificationError('malformed X-GitHub-Event header', { kind: 'malformed' });
  return event;
}

function readDeliveryId(request: WebhookRequest): string {
  const delivery = requireHeader(request.headers, 'X-GitHub-Delivery');
  // A GUID; the id becomes a dedup key and part of job ids, so keep it to a safe alphabet.
  if (!/^[A-Za-z0-9-]{1,100}$/.test(delivery)) throw new VerificationError('malformed X-GitHub-Delivery header', { kind: 'malformed' });
  return delivery;
}
