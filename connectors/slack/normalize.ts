import { checkEventId } from '../shared/event-id.ts';
import type { EventSummary } from '../shared/event-summary.ts';
import { firstLine, pick, pickNumber, pickString } from '../shared/pick.ts';
import { PayloadError } from '../../src/errors.ts';

/** The CloudEvents attributes hookhub derives from a verified Slack request. */
export type SlackSummary = EventSummary;

const TITLE_MAX = 200;

/**
 * Events API: `event_callback` -> `slack.<event.type>` with id `event_id`; other envelopes
 * (`app_rate_limited`) -> `slack.<type>` with `fallbackId` (a digest of the body).
 * https://api.slack.com/apis/events-api#callback-field
 */
export function summarizeSlackEvent(p: Record<string, unknown>, fallbackId: string): SlackSummary {
  const envelope = segment(pickString(p, 'type'), 'type');
  if (envelope !== 'event_callback') {
    const subject = pickString(p, 'team_id');
    return { id: fallbackId, type: `slack.${envelope}`, time: undefined, subject, title: undefined, actor: undefined };
  }
  const eventId = pickString(p, 'event_id');
  if (eventId === undefined) throw new PayloadError('event_callback has no `event_id`');
  const eventTime = pickNumber(p, 'event_time');
  return {
    id: checkEventId(eventId, '`event_id`'),
    type: `slack.${segment(pickString(p, 'event', 'type'), 'event.type')}`,
    // event_time is Unix seconds; some documented examples carry microseconds, which are not a time.
    time: eventTime !== undefined && eventTime < 1e11 ? new Date(eventTime * 1000) : undefined,
    subject: pickString(p, 'event', 'channel') ?? pickString(p, 'event', 'item', 'channel') ?? pickString(p, 'team_id'),
    title: clip(firstLine(pickString(p, 'event', 'text')) ?? reaction(p)),
    actor: pickString(p, 'event', 'user') ?? pickString(p, 'event', 'user', 'id'),
  };
}

/**
 * Slash commands -> `slack.command.<name>` (`/deploy` -> `slack.command.deploy`), id `trigger_id`.
 * https://api.slack.com/interactivity/slash-commands#app_command_handling
 */
export function summarizeSlackCommand(form: Record<string, string>, fallbackId: string): SlackSummary {
  const command = form.command ?? '';
  const name = command.replace(/^\//, '').toLowerCase();
  if (!/^[a-z0-9_-]{1,64}$/.test(name)) throw new PayloadError('malformed `command` in the slash command form');
  const text = form.text ?? '';
  return {
    id: form.trigger_id ? checkEventId(form.trigger_id, '`trigger_id`') : fallbackId,
    type: `slack.command.${name}`,
    time: undefined,
    subject: form.channel_id ?? form.team_id,
    title: clip(text.length > 0 ? `${command} ${text}` : command),
    actor: form.user_name ?? form.user_id,
  };
}

/**
 * Interactivity -> `slack.interaction.<payload.type>` (`block_actions`, `view_submission`,
 * `shortcut`, `message_action`, …), id `trigger_id` where the payload has one.
 * https://api.slack.com/reference/interaction-payloads
 */
export function summarizeSlackInteraction(p: Record<string, unknown>, fallbackId: string): SlackSummary {
  const triggerId = pickString(p, 'trigger_id');
  const actions = pick(p, 'actions');
  const firstAction: unknown = Array.isArray(actions) ? actions[0] : undefined;
  return {
    id: triggerId !== undefined ? checkEventId(triggerId, '`trigger_id`') : fallbackId,
    type: `slack.interaction.${segment(pickString(p, 'type'), 'payload.type')}`,
    time: undefined,
    subject: pickString(p, 'channel', 'id') ?? pickString(p, 'view', 'callback_id') ?? pickString(p, 'team', 'id'),
    title: pickString(firstAction, 'action_id') ?? pickString(p, 'view', 'callback_id') ?? pickString(p, 'callback_id'),
    actor: pickString(p, 'user', 'username') ?? pickString(p, 'user', 'name') ?? pickString(p, 'user', 'id'),
  };
}

/** A Slack type name used as one segment of a hub type: lowercase word characters only. */
function segment(value: string | undefined, field: string): string {
  if (value === undefined) throw new PayloadError(`Slack payload has no \`${field}\``);
  if (!/^[a-z0-9_]{1,64}$/i.test(value)) throw new PayloadError(`malformed \`${field}\` in the Slack payload`);
  return value.toLowerCase();
}

function reaction(p: Record<string, unknown>): string | undefined {
  const name = pickString(p, 'event', 'reaction');
  return name !== undefined ? `:${name}:` : undefined;
}

function clip(text: string | undefined): string | undefined {
  return text !== undefined && text.length > TITLE_MAX ? `${text.slice(0, TITLE_MAX - 1)}…` : text;
}
