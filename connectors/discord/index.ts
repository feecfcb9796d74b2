import type { Connector, ConnectorResult, WebhookReply } from '../connector.ts';
import { parseJsonObjectText } from '../shared/json-body.ts';
import { createHubEvent } from '../../src/events/hub-event.ts';
import { DiscordConfigSchema, type DiscordConfig } from './config.ts';
import { normalizeDiscord } from './normalize.ts';
import { signDiscordBody, verifyDiscordRequest } from './verify.ts';

/**
 * What Discord gets back within its 3 s, per interaction type. Actions run later, so commands and
 * modals are *deferred* ("thinking…") and components acknowledged; a rule then answers through the
 * interaction webhook with `data.application_id` and `data.token`.
 * https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-interaction-callback-type
 */
const REPLIES: Readonly<Record<string, Record<string, unknown>>> = {
  ping: { type: 1 }, // PONG
  application_command: { type: 5 }, // DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
  modal_submit: { type: 5 },
  message_component: { type: 6 }, // DEFERRED_UPDATE_MESSAGE
  autocomplete: { type: 8, data: { choices: [] } }, // APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
};

/**
 * Discord interactions endpoint (slash commands, buttons, modals). Verifies the Ed25519 signature
 * and timestamp; type = `discord.interaction.<type name>`; id = the interaction id.
 */
export const discordConnector: Connector<DiscordConfig> = {
  type: 'discord',
  configSchema: DiscordConfigSchema,
  contentTypes: ['application/json'],
  secretFields: ['publicKey', 'privateKey'],
  // Discord signs with its own Ed25519 key: publicKey is public, privateKey only signs local test requests.
  deliverySecretFields: [],
  samples: {
    ping: 'ping.json',
    application_command: 'application_command.json',
    message_component: 'message_component.json',
  },

  handle(request, ctx): ConnectorResult {
    verifyDiscordRequest(request, ctx.config.publicKey, ctx.now(), ctx.config.tolerance);
    // The body is the event's data unchanged, so its text is stored as it came.
    const { value: payload, text } = parseJsonObjectText(request.body);
    const { typeName, ...summary } = normalizeDiscord(payload);
    const event = createHubEvent({ connector: ctx.name, data: payload, ...summary }, ctx.now());
    const body = REPLIES[typeName];
    const reply: WebhookReply | undefined = body !== undefined ? { status: 200, body } : undefined;
    return reply !== undefined ? { events: [event], dataText: [text], reply } : { events: [event], dataText: [text] };
  },

  sign(body, ctx) {
    const { privateKey } = ctx.config;
    if (privateKey === undefined) {
      throw new Error(
        'discord: signing needs `privateKey` in the connector config. Discord signs with its own key, which nobody ' +
          'else has; for local tests generate a key pair and set privateKey plus the matching publicKey.',
      );
    }
    return {
      'content-type': 'application/json',
      'user-agent': 'Discord-Interactions/1.0 (+https://discord.com)',
      ...signDiscordBody(body, privateKey, ctx.now()),
    };
  },
};
