import type { HubEvent } from '../../../../events/hub-event.ts';
import { toText } from '../../../../rules/template-helpers.ts';
import type { ChatRequest } from '../../chat-request.ts';
import { str, withOptional } from '../payload-fields.ts';

type Fields = Record<string, unknown>;

export const DISCORD_COMMAND = 'discord.interaction.application_command';

/**
 * Reads a Discord application command interaction named `command`; undefined for other events.
 * https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object
 */
export function discordRequest(event: HubEvent, command: string): ChatRequest | undefined {
  const data = event.data as Fields;
  if (event.type !== DISCORD_COMMAND || str(data.data, 'name') !== command) return undefined;
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
