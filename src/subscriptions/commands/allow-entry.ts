import { z } from 'zod';
import { chatPlatformNames, chatPlatforms, type ChatPlatformName } from '../chat/platforms/index.ts';

/** An allow-list entry: one user or channel id on one platform, inside one team or guild. */
export interface AllowEntry {
  platform: ChatPlatformName;
  team: string;
  id: string;
}

const ENTRY = new RegExp(`^(${chatPlatformNames.join('|')}):([^/]+)\\/(.+)$`);

/** `slack:T024BE7LD/U024BE7LH` → its parts, or undefined when the entry is not a qualified id (`*` included). */
export function parseAllowEntry(entry: string): AllowEntry | undefined {
  const m = ENTRY.exec(entry);
  if (!m) return undefined;
  const platform = m[1] as ChatPlatformName;
  const [team, id] = [m[2] ?? '', m[3] ?? ''];
  const { shape } = chatPlatforms[platform].ids;
  return shape.test(team) && shape.test(id) ? { platform, team, id } : undefined;
}

function problemWith(entry: string, kind: 'user' | 'channel'): string {
  const platform = chatPlatformNames.find((p) => entry.startsWith(`${p}:`));
  const how = platform
    ? chatPlatforms[platform].ids.howToFind
    : chatPlatformNames.map((p) => `${chatPlatforms[p].label}: ${chatPlatforms[p].ids.howToFind}`).join('; ');
  return (
    `"${entry}" is not a ${kind} id qualified by its team or guild: names are not unique and can be changed, so allow lists take ids only, ` +
    `written ${chatPlatforms[platform ?? 'slack'].ids.example(kind)}. To find the ids: ${how}. ` +
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
export function allowEntryMatches(entry: string, platform: ChatPlatformName, team: string | undefined, id: string): boolean {
  if (entry === '*') return true;
  const parsed = parseAllowEntry(entry);
  return parsed !== undefined && team !== undefined && parsed.platform === platform && parsed.team === team && parsed.id === id;
}

/** The entry that would allow this id, for the refusal message. */
export function allowEntryFor(platform: ChatPlatformName, team: string | undefined, id: string): string {
  return `${platform}:${team ?? '<team id>'}/${id}`;
}
