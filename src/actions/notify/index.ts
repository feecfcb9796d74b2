import { PermanentError } from '../../errors.ts';
import type { Action, ActionDeps, ActionResult, Job } from '../action.ts';
import { lowerKeys, postJson, sendHttp } from '../runtime/send-http.ts';
import { hmacHeaders, standardWebhookHeaders } from '../webhook/signing.ts';
import { ChannelSchema, type Channel } from './channel-schema.ts';
import { formatDiscord } from './format/discord.ts';
import { formatGenericWebhook } from './format/generic-webhook.ts';
import { formatMattermost } from './format/mattermost.ts';
import { formatSlack } from './format/slack.ts';
import { formatTeams } from './format/teams.ts';
import { NotifyParamsSchema, withLinkableUrl, type NotifyParams } from './notify-params.ts';
import { sendEmail } from './send-email.ts';

type Sender<C extends Channel> = (channel: C, params: NotifyParams, job: Job, deps: ActionDeps) => Promise<ActionResult>;
type Senders = { [T in Channel['type']]: Sender<Extract<Channel, { type: T }>> };

const idempotency = (job: Job): Record<string, string> => ({ 'idempotency-key': job.id });

/** One sender per channel type: format for the platform, then one delivery attempt. */
const SENDERS: Senders = {
  log: (_channel, params) =>
    Promise.resolve({ label: 'logged', response: [params.title, params.text, params.url].filter(Boolean).join('\n') }),
  slack: (channel, params, job, deps) => postJson(deps, channel.url, formatSlack(withLinkableUrl(params)), idempotency(job)),
  discord: (channel, params, job, deps) => postJson(deps, channel.url, formatDiscord(withLinkableUrl(params)), idempotency(job)),
  teams: (channel, params, job, deps) => postJson(deps, channel.url, formatTeams(withLinkableUrl(params)), idempotency(job)),
  mattermost: (channel, params, job, deps) => {
    const options = { username: channel.username, iconUrl: channel.iconUrl };
    return postJson(deps, channel.url, formatMattermost(withLinkableUrl(params), options), idempotency(job));
  },
  email: (channel, params, job, deps) => sendEmail(channel, withLinkableUrl(params), deps, job.id),
  webhook: (channel, params, job, deps) => {
    const body = JSON.stringify(formatGenericWebhook(params, job));
    const signature = !channel.secret
      ? {}
      : channel.secret.startsWith('whsec_')
        ? standardWebhookHeaders(job.id, body, channel.secret, deps.now())
        : hmacHeaders(body, { style: 'hmac', header: 'X-Hookhub-Signature', secret: channel.secret });
    const headers = { ...lowerKeys(channel.headers), 'content-type': 'application/json', ...idempotency(job), ...signature };
    return sendHttp(deps, { url: channel.url, headers, body });
  },
};

function channelOf(params: NotifyParams, deps: Pick<ActionDeps, 'channels'>): Channel {
  const raw = deps.channels[params.channel];
  if (raw === undefined) throw new PermanentError(`unknown channel "${params.channel}"`);
  const parsed = ChannelSchema.safeParse(raw);
  if (!parsed.success) throw new PermanentError(`channel "${params.channel}" is invalid: ${parsed.error.message}`);
  return parsed.data;
}

/** `notify`: a message to a named channel (slack, discord, teams, mattermost, email, webhook). */
export const notifyAction: Action<NotifyParams> = {
  type: 'notify',
  paramsSchema: NotifyParamsSchema,
  sendsDigests: true,
  destination: (params) => `channel:${params.channel}`,
  policy: (params, deps) => {
    const raw = deps.channels[params.channel];
    const parsed = raw === undefined ? undefined : ChannelSchema.safeParse(raw);
    return parsed?.success ? parsed.data : {};
  },
  async execute(params, ctx) {
    const channel = channelOf(params, ctx);
    const send = SENDERS[channel.type] as Sender<Channel>;
    return send(channel, params, ctx.job, ctx);
  },
};
