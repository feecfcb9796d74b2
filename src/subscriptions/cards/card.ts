import type { HubEvent } from '../../events/hub-event.ts';
import { truncate } from '../../shared/truncate.ts';

export interface CardField {
  title: string;
  value: string;
  short?: boolean;
}

/** A platform-neutral message: rendered as Slack blocks, a Discord embed or a Mattermost attachment. */
export interface Card {
  title: string;
  url?: string;
  text?: string;
  /** open, draft, merged, closed, success, failure, … (threads update their parent when it changes). */
  state?: string;
  color?: string;
  fields: CardField[];
  /** Small print: repository, author, time. */
  context?: string;
}

/** A message for one event: the card, and for PR/issue events the thread it belongs to. */
export interface ChatMessage {
  card: Card;
  thread?: {
    /** `acme/api#42`: one parent message per key and channel. */
    key: string;
    /** The PR/issue card the thread hangs under (updated in place when its state changes). */
    parent: Card;
    /** The reply posted into the thread for this event. */
    line: string;
  };
}

export const COLORS = {
  open: '#1f883d',
  draft: '#6e7781',
  merged: '#8250df',
  closed: '#cf222e',
  success: '#1f883d',
  failure: '#cf222e',
  neutral: '#6e7781',
  warning: '#bf8700',
} as const;

/** `text` cut to `max` characters, on a word boundary where one is near, with an ellipsis; never inside an emoji. */
export function excerpt(text: string | undefined, max = 280): string | undefined {
  const clean = text
    ?.replace(/\r\n/g, '\n')
    .replace(/<!--[\s\S]*?-->/g, '')
    .trim();
  if (!clean) return undefined;
  return truncate(clean, max);
}

/** For any event: its title (or type), link, actor and subject. */
export function genericCard(event: HubEvent): Card {
  return {
    title: event.title ?? event.type,
    ...(event.url ? { url: event.url } : {}),
    fields: [],
    context: [event.type, event.subject, event.actor ? `by ${event.actor}` : undefined].filter(Boolean).join(' · '),
  };
}

/**
 * The card's link when it is an absolute http(s) URL, in its normalized form (`<`, `>`, spaces and
 * quotes percent-encoded). Links can come from text people set (a deployment's `target_url`, an
 * environment URL): another scheme would make Discord refuse the whole message, and a `>` would
 * end a Slack link early and turn the rest into markup.
 */
export function cardLink(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

export function field(title: string, value: string | undefined, short = true): CardField[] {
  return value ? [{ title, value, short }] : [];
}
