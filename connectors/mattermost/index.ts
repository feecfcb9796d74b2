import type { Connector, ConnectorResult } from '../connector.ts';
import { bodyDigestId } from '../shared/body-digest-id.ts';
import { signingSecret } from '../shared/secret-list.ts';
import { checkUtf8Form } from '../shared/utf8-body.ts';
import { createHubEvent } from '../../src/events/hub-event.ts';
import { PayloadError } from '../../src/errors.ts';
import { MattermostConfigSchema, type MattermostConfig } from './config.ts';
import { summarizeMattermostCommand } from './normalize.ts';
import { verifyMattermostToken } from './verify.ts';

/**
 * Mattermost wants a JSON command response within its timeout; an empty body is an error
 * ("returned an empty response"), while `{}` posts nothing. Results follow via `response_url`.
 */
const ACK = { status: 200, body: {} } as const;

/** Mattermost custom slash commands (POST), verified with the command's token. */
export const mattermostConnector: Connector<MattermostConfig> = {
  type: 'mattermost',
  configSchema: MattermostConfigSchema,
  contentTypes: ['application/x-www-form-urlencoded'],
  secretFields: ['token'],
  samples: { slash_command: 'slash_command.form' },

  handle(request, ctx): ConnectorResult {
    verifyMattermostToken(request, ctx.config.token);
    checkUtf8Form(request.body);
    const form = Object.fromEntries(new URLSearchParams(request.body.toString('utf8')));
    if (form.command === undefined) throw new PayloadError('form body has no `command` (is this a Mattermost slash command?)');
    delete form.token; // a credential: never stored with the event
    const summary = summarizeMattermostCommand(form, bodyDigestId(ctx.name, request.body));
    return { events: [createHubEvent({ connector: ctx.name, data: form, ...summary }, ctx.now())], reply: ACK };
  },

  sign(_body, ctx) {
    return { 'content-type': 'application/x-www-form-urlencoded', authorization: `Token ${signingSecret(ctx.config.token)}` };
  },
};
