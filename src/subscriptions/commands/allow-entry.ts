import { z } from 'zod';
import type { ChatPlatform } from '../subscription.ts';

/** An allow-list entry: one user or channel id on one platform, inside one team (Slack, Mattermost) or guild (Discord). */
export interface AllowEntry {
  platform: ChatPlatform;
  team: string;
  id: string;
}

/**
 * What ids look like on each platform. Names never look like this (Slack names are lowercase,
 * Discord ids are snowflakes, Mattermost ids are 26 lowercase characters), so a name cannot slip in.
 */
const ID_SHAPE: Record<ChatPlatform, RegExp> = {
  slack: /^[A-Z0-9]{2,}$/,
  discord: /^\d{15,21}$/,
  mattermost: /^[a-z0-9]{26}$/,
};

/** Where each platform shows the ids, for the config error. */
const FIND_IDS: Record<ChatPlatform, string> = {
  slack: "the web client URL app.slack.com/client/<team id>/<channel id> shows both; a user id is under the profile's ⋮ > Copy member ID",
  discord: 'turn on Developer Mode (User Settings > Advanced), then right-click the server, channel or user > Copy ID',
  mattermost:
    'channel ids are under the channel name > View Info; team and user ids are in the System Console or GET /api/v4/teams/name/<team>',
};

const ENTRY = /^(slack|discord|mattermost):([^/]+)\/(.+)$/;

/** `slack:T024BE7LD/U024BE7LH` → its parts, or undefined when the entry is not a qualified id (`*` included). */
export function parseAllowEntry(entry: string): AllowEntry | undefined {
  const m = ENTRY.exec(entry);
  if (!m) return undefined;
  const platform = m[1] as ChatPlatform;
  const [team, id] = [m[2] ?? '', m[3] ?? ''];
  return ID_SHAPE[platform].test(team) && ID_SHAPE[platform].test(id) ? { platform, team, id } : undefined;
}

function problemWith(entry: string, kind: 'user' | 'channel'): string {
  const platform = (['slack', 'discord', 'mattermost'] as const).find((p) => entry.startsWith(`${p}:`));
  const example = {
    slack: `slack:T024BE7LD/${kind === 'user' ? 'U024BE7LH' : 'C024BE91L'}`,
    discord: 'discord:<guild id>/<id>',
    mattermost: 'mattermost:<team id>/<id>',
  };
  const how = platform ? FIND_IDS[platform] : `Slack: ${FIND_IDS.slack}; Discord: ${FIND_IDS.discord}; Mattermost: ${FIND_IDS.mattermost}`;
  return (
    `"${entry}" is not a ${kind} id qualified by its team or guild: names are not unique and can be changed, so allow lists take ids only, ` +
    `written ${platform ? example[platform] : example.slack}. To find the ids: ${how}. ` +
    'A refused /hookhub command also replies with the exact entry to add.'
  );
}

const allowList = (kind: 'user' | 'channel') =>
  z.array(
    z.string().superRefine((entry, ctx) => {
      if (entry !== '*' && !parseAllowEntry(entry)) ctx.addIssue({ code: 'custom', message: problemWith(entry, kind) });
    }),
  );

/** `allow.users`: `*`, or `<platform>:<team or guild id>/<user id>`. */
export const AllowedUsersSchema = allowList('user');
/** `allow.channels`: `*`, or `<platform>:<team or guild id>/<channel id>`. */
export const AllowedChannelsSchema = allowList('channel');

/** Whether `entry` names this id in this team. A request without a team (a Discord DM) matches only `*`. */
export function allowEntryMatches(entry: string, platform: ChatPlatform, team: string | undefined, id: string): boolean {
  if (entry === '*') return true;
  const parsed = parseAllowEntry(entry);
  return parsed !== undefined && team !== undefined && parsed.platform === platform && parsed.team === team && parsed.id === id;
}

/** The entry that would allow this id, for the refusal message. */
export function allowEntryFor(platform: ChatPlatform, team: string | undefined, id: string): string {
  return `${platform}:${team ?? '<team id>'}/${id}`;
}
