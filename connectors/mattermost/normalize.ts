import { checkEventId } from '../shared/event-id.ts';
import type { EventSummary } from '../shared/event-summary.ts';
import { PayloadError } from '../../src/errors.ts';

const TITLE_MAX = 200;

/**
 * A slash command form → `mattermost.command.<trigger>` (`/hookhub` → `mattermost.command.hookhub`),
 * id = `trigger_id` (unique per invocation) or a digest of the body.
 */
export function summarizeMattermostCommand(form: Record<string, string>, fallbackId: string): EventSummary {
  const command = form.command ?? '';
  const name = command.replace(/^\//, '').toLowerCase();
  if (!/^[a-z0-9_-]{1,64}$/.test(name)) throw new PayloadError('malformed or missing `command` in the slash command form');
  const text = form.text ?? '';
  const title = text.length > 0 ? `${command} ${text}` : command;
  return {
    id: form.trigger_id ? checkEventId(form.trigger_id, '`trigger_id`') : fallbackId,
    type: `mattermost.command.${name}`,
    time: undefined,
    subject: form.channel_id ?? form.team_id,
    title: title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title,
    actor: form.user_name ?? form.user_id,
  };
}
