import type { Connector, ConnectorResult, WebhookRequest } from '../connector.ts';
import { bodyDigestId } from '../shared/body-digest-id.ts';
import { getHeader } from '../shared/headers.ts';
import { signingSecret } from '../shared/secret-list.ts';
import { createHubEvent, type HubEvent } from '../../src/events/hub-event.ts';
import { PayloadError } from '../../src/errors.ts';
import { SlackConfigSchema, type SlackConfig } from './config.ts';
import { summarizeSlackCommand, summarizeSlackEvent, summarizeSlackInteraction, type SlackSummary } from './normalize.ts';
import { parseSlackBody } from './payload.ts';
import { signSlack, verifySlackRequest } from './verify.ts';

/** Slash commands and interactions want a bare 200 within 3 s; a body would be shown to the user. */
const EMPTY_OK = { status: 200, body: '' } as const;

/**
 * Slack apps: Events API, slash commands and interactivity, all verified with the signing secret.
 * `url_verification` is answered with its challenge (after verifying it too) and not recorded.
 */
export const slackConnector: Connector<SlackConfig> = {
  type: 'slack',
  configSchema: SlackConfigSchema,
  contentTypes: ['application/json', 'application/x-www-form-urlencoded'],
  secretFields: ['secret'],
  samples: {
    url_verification: 'url_verification.json',
    app_mention: 'app_mention.json',
    reaction_added: 'reaction_added.json',
    slash_command: 'slash_command.form',
    block_actions: 'block_actions.form',
  },

  handle(request, ctx): ConnectorResult {
    verifySlackRequest(request, ctx.config.secret, ctx.now(), ctx.config.tolerance);
    const body = parseSlackBody(request);
    if (body.kind === 'ssl_check') return { events: [], reply: EMPTY_OK };
    if (body.kind === 'events' && body.payload.type === 'url_verification') {
      return { events: [], reply: { status: 200, body: { challenge: challengeOf(body.payload) } } };
    }
    // Slack's legacy verification token: a credential, useless once the signature verified. Never stored.
    if ('token' in body.payload) delete body.payload.token;
    const digest = bodyDigestId(ctx.name, request.body);
    const summary =
      body.kind === 'command'
        ? summarizeSlackCommand(body.payload, digest)
        : body.kind === 'interaction'
          ? summarizeSlackInteraction(body.payload, digest)
          : summarizeSlackEvent(body.payload, digest);
    const events = [toEvent(request, ctx.name, body.payload, summary, ctx.now())];
    return body.kind === 'events' ? { events } : { events, reply: EMPTY_OK };
  },

  sign(body, ctx) {
    // `meta` travels in the body (event_id, trigger_id); Slack sends no event or id header.
    const timestamp = Math.floor(ctx.now().getTime() / 1000);
    const isJson = body.toString('utf8').trimStart().startsWith('{');
    return {
      'content-type': isJson ? 'application/json' : 'application/x-www-form-urlencoded',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlack(body, signingSecret(ctx.config.secret), timestamp),
    };
  },
};

function challengeOf(payload: Record<string, unknown>): string {
  const challenge = payload.challenge;
  if (typeof challenge !== 'string' || challenge.length === 0) throw new PayloadError('url_verification has no `challenge`');
  return challenge;
}

/**
 * Builds the event and records Slack's retry headers as the CloudEvents extensions
 * `slackretrynum` and `slackretryreason` (a retry keeps its event_id, so dedup still applies).
 * https://api.slack.com/apis/events-api#retries
 */
function toEvent(request: WebhookRequest, connector: string, data: unknown, summary: SlackSummary, now: Date): HubEvent {
  const event = createHubEvent({ connector, data, ...summary }, now);
  const retryNum = getHeader(request.headers, 'X-Slack-Retry-Num');
  const retryReason = getHeader(request.headers, 'X-Slack-Retry-Reason');
  const extensions: Record<string, string | number> = {};
  if (retryNum !== undefined && /^\d{1,3}$/.test(retryNum)) extensions.slackretrynum = Number(retryNum);
  if (retryReason !== undefined && /^[a-z0-9_]{1,64}$/.test(retryReason)) extensions.slackretryreason = retryReason;
  return Object.assign(event, extensions);
}
