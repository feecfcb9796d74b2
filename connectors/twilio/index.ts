import type { Connector, ConnectorResult, DroppedItem, WebhookRequest } from '../connector.ts';
import { parseJsonBody } from '../shared/json-body.ts';
import { signingSecret } from '../shared/secret-list.ts';
import { checkUtf8Form } from '../shared/utf8-body.ts';
import { createHubEvent, type HubEvent } from '../../src/events/hub-event.ts';
import { PayloadError } from '../../src/errors.ts';
import { readTwilioBody, type TwilioBody } from './body.ts';
import { TwilioConfigSchema, type TwilioConfig } from './config.ts';
import { summarizeTwilioCloudEvent, summarizeTwilioParams } from './normalize.ts';
import { twilioSignedUrl } from './url.ts';
import { signTwilio, verifyTwilioRequest } from './verify.ts';

/**
 * 204: Twilio accepts an empty answer (no TwiML: no reply SMS, no call instructions). A TwiML
 * `<Response/>` would need `Content-Type: text/xml`, which a connector reply cannot set today.
 */
const NO_CONTENT = { status: 204, body: '' } as const;

/**
 * Twilio webhooks and status callbacks (Messaging, Voice, …; form-encoded, GET or POST) and
 * Event Streams (JSON). Verifies `X-Twilio-Signature` over the public URL and parameters.
 */
export const twilioConnector: Connector<TwilioConfig> = {
  type: 'twilio',
  configSchema: TwilioConfigSchema,
  contentTypes: ['application/x-www-form-urlencoded', 'application/json'],
  // A number's webhook can be set to HTTP GET in the Console.
  methods: ['GET', 'POST'],
  secretFields: ['authToken'],
  samples: {
    'message.received': 'message-received.form',
    'message.delivered': 'message-status.form',
    'call.ringing': 'call-incoming.form',
    'call.completed': 'call-status.form',
  },

  handle(request, ctx): ConnectorResult {
    const url = twilioSignedUrl(request, ctx.config.publicUrl);
    const body = readTwilioBody(request);
    verifyTwilioRequest(request, ctx.config.authToken, url, signedParams(body));
    // The parameters were read leniently to verify them; an event must hold what Twilio sent, in UTF-8.
    if (body.kind === 'form') checkUtf8Form(request.body);
    if (body.kind === 'query') checkUtf8Form(request.url, 'query string');
    if (body.kind === 'json') return { ...jsonEvents(request, ctx.name, ctx.now()), reply: NO_CONTENT };
    const params = Object.fromEntries(body.params);
    const event = createHubEvent({ connector: ctx.name, data: params, ...summarizeTwilioParams(params) }, ctx.now());
    return { events: [event], reply: NO_CONTENT };
  },

  sign(body, ctx) {
    // Form samples only: a JSON body is signed through a bodySHA256 query parameter, which
    // `sign` (headers only) cannot add to the URL the trigger posts to.
    if (ctx.config.publicUrl === undefined) {
      throw new Error('twilio: signing needs `publicUrl` in the connector config (Twilio signs the URL it calls)');
    }
    const url = twilioSignedUrl({ method: 'POST', url: `/hooks/${ctx.name}`, headers: {}, body }, ctx.config.publicUrl);
    const params = [...new URLSearchParams(body.toString('utf8'))];
    return {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'TwilioProxy/1.1',
      'x-twilio-signature': signTwilio(signingSecret(ctx.config.authToken), url, params),
    };
  },
};

/** GET webhooks sign the URL alone (the parameters are in it); JSON bodies are covered by bodySHA256. */
function signedParams(body: TwilioBody): readonly (readonly [string, string])[] | null {
  return body.kind === 'form' ? body.params : body.kind === 'query' ? [] : null;
}

/**
 * Event Streams posts an array of CloudEvents; other JSON callbacks are one object of parameters. An unusable
 * CloudEvent is dropped, not the delivery: Twilio does not retry a 4xx, so refusing would lose the good ones.
 * https://www.twilio.com/docs/events/event-delivery-and-duplication
 */
function jsonEvents(request: WebhookRequest, connector: string, now: Date): Pick<ConnectorResult, 'events' | 'dropped'> {
  const json = parseJsonBody(request.body);
  if (Array.isArray(json)) {
    if (json.length === 0) throw new PayloadError('Event Streams delivery with no events');
    return cloudEvents(json, connector, now);
  }
  if (typeof json !== 'object' || json === null) throw new PayloadError('JSON body is neither an object nor a list of events');
  const params = Object.fromEntries(Object.entries(json).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return { events: [createHubEvent({ connector, data: json, ...summarizeTwilioParams(params) }, now)] };
}

function cloudEvents(items: readonly unknown[], connector: string, now: Date): Pick<ConnectorResult, 'events' | 'dropped'> {
  const events: HubEvent[] = [];
  const dropped: DroppedItem[] = [];
  for (const [index, item] of items.entries()) {
    try {
      events.push(createHubEvent({ connector, data: item, ...summarizeTwilioCloudEvent(item) }, now));
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error;
      dropped.push({ item: `[${index}]`, reason: error.message });
    }
  }
  return dropped.length === 0 ? { events } : { events, dropped };
}
