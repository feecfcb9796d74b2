import type { HubEvent } from '../../events/hub-event.ts';
import { toText } from '../../rules/template-helpers.ts';
import type { ChatChannel, ChatUser } from '../subscription.ts';

/** Where the result of a command goes. */
export type ReplyTarget =
  { platform: 'slack' | 'mattermost'; responseUrl: string } | { platform: 'discord'; applicationId: string; token: string };

/** A slash command from any chat platform, as the command handler sees it. */
export interface ChatRequest {
  channel: ChatChannel;
  user: ChatUser;
  /** The words after the command. */
  text: string;
  reply: ReplyTarget | undefined;
}

type Fields = Record<string, unknown>;
const str = (o: unknown, key: string): string | undefined => {
  const v = o !== null && typeof o === 'object' ? (o as Fields)[key] : undefined;
  return typeof v === 'string' && v.length > 0 ? v : undefined;
};

/**
 * Reads a verified command event: Slack and Mattermost slash-command forms, or a Discord
 * application command interaction. Undefined when the event is not one of ours.
 * https://api.slack.com/interactivity/slash-commands#app_command_handling
 * https://developers.mattermost.com/integrate/slash-commands/custom/
 * https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object
 */
export function chatRequestFrom(event: HubEvent, command: string): ChatRequest | undefined {
  const data = event.data as Fields;
  if (event.type === `slack.command.${command}` || event.type === `mattermost.command.${command}`) {
    const platform = event.type.startsWith('slack.') ? 'slack' : 'mattermost';
    const channelId = str(data, 'channel_id');
    const userId = str(data, 'user_id');
    if (!channelId || !userId) return undefined;
    const responseUrl = str(data, 'response_url');
    return {
      channel: withOptional(
        { platform, connector: event.connector, id: channelId },
        { team: str(data, 'team_id'), name: str(data, 'channel_name') },
      ),
      user: withOptional({ id: userId }, { name: str(data, 'user_name') }),
      text: str(data, 'text') ?? '',
      reply: responseUrl ? { platform, responseUrl } : undefined,
    };
  }
  if (event.type === 'discord.interaction.application_command' && str(data.data, 'name') === command) return discordRequest(event, data);
  return undefined;
}

function discordRequest(event: HubEvent, data: Fields): ChatRequest | undefined {
  const channelId = str(data, 'channel_id');
  const user = ((data.member as Fields | undefined)?.user ?? data.user) as Fields | undefined;
  const userId = str(user, 'id');
  if (!channelId || !userId) return undefined;
  const applicationId = str(data, 'application_id');
  const token = str(data, 'token');
  return {
    channel: withOptional(
      { platform: 'discord', connector: event.connector, id: channelId },
      { team: str(data, 'guild_id'), name: str(data.channel, 'name') },
    ),
    user: withOptional({ id: userId }, { name: str(user, 'username') }),
    text: discordText((data.data as Fields).options),
    reply: applicationId && token ? { platform: 'discord', applicationId, token } : undefined,
  };
}

/** `/hookhub subscribe target:acme/api options:"issues pulls"` → `subscribe acme/api issues pulls`. */
function discordText(options: unknown): string {
  if (!Array.isArray(options)) return '';
  return options
    .map((o: Fields) => (o.type === 1 || o.type === 2 ? [o.name, discordText(o.options)].join(' ') : toText(o.value)))
    .join(' ')
    .trim();
}

function withOptional<T extends object>(base: T, optional: Record<string, string | undefined>): T {
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) (base as Record<string, string>)[key] = value;
  return base;
}
