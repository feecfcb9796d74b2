import type { EventSummary } from '../shared/event-summary.ts';
import { pick, pickNumber, pickString } from '../shared/pick.ts';
import { PayloadError } from '../../src/errors.ts';
import { toText } from '../../src/rules/template-helpers.ts';

/**
 * Interaction types by number, in Discord's words.
 * https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object-interaction-type
 */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'ping',
  2: 'application_command',
  3: 'message_component',
  4: 'autocomplete',
  5: 'modal_submit',
};

/** Discord's epoch: snowflake ids carry their creation time in milliseconds since 2015-01-01. */
const DISCORD_EPOCH = 1420070400000n;
const SNOWFLAKE = /^\d{1,20}$/;

/** The CloudEvents attributes of an interaction, plus its type name (which picks the reply). */
export interface DiscordSummary extends EventSummary {
  typeName: string;
  time: Date;
}

/** Maps a verified interaction to `discord.interaction.<type name>`, id = the interaction id. */
export function normalizeDiscord(p: Record<string, unknown>): DiscordSummary {
  const id = pickString(p, 'id');
  if (id === undefined || !SNOWFLAKE.test(id)) throw new PayloadError('interaction has no snowflake `id`');
  const number = pickNumber(p, 'type');
  if (number === undefined) throw new PayloadError('interaction has no numeric `type`');
  const typeName = TYPE_NAMES[number] ?? `type_${number}`;
  return {
    id,
    typeName,
    type: `discord.interaction.${typeName}`,
    time: new Date(Number((BigInt(id) >> 22n) + DISCORD_EPOCH)),
    subject: pickString(p, 'channel_id') ?? pickString(p, 'guild_id'),
    title: discordTitle(p),
    actor: pickString(p, 'member', 'user', 'username') ?? pickString(p, 'user', 'username'),
  };
}

/** `/cardsearch cardname=The Gitrog Monster` for commands, the `custom_id` for components and modals. */
function discordTitle(p: Record<string, unknown>): string | undefined {
  const name = pickString(p, 'data', 'name');
  if (name === undefined) return pickString(p, 'data', 'custom_id');
  const options = pick(p, 'data', 'options');
  const args = (Array.isArray(options) ? options : []).map((o) => `${pickString(o, 'name') ?? '?'}=${toText(pick(o, 'value'))}`).join(' ');
  return args.length > 0 ? `/${name} ${args}` : `/${name}`;
}
