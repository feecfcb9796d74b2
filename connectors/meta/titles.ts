import { pick, pickString } from '../shared/pick.ts';

/** The first message of a WhatsApp `messages` change, if any. */
function firstWhatsappMessage(value: unknown): unknown {
  const messages = pick(value, 'messages');
  return Array.isArray(messages) ? messages[0] : undefined;
}

/** The text a chat line would lead with: a comment, a post, a WhatsApp or Messenger message. */
export function metaTitle(value: unknown): string | undefined {
  const whatsapp = firstWhatsappMessage(value);
  return (
    pickString(value, 'text') ??
    pickString(value, 'message') ??
    pickString(whatsapp, 'text', 'body') ??
    pickString(whatsapp, 'type') ??
    pickString(value, 'message', 'text') ??
    pickString(value, 'postback', 'title') ??
    pickString(value, 'item')
  );
}

/** Who did it: the commenter or poster, the WhatsApp contact, the Messenger sender. */
export function metaActor(value: unknown): string | undefined {
  const contacts = pick(value, 'contacts');
  const contact: unknown = Array.isArray(contacts) ? contacts[0] : undefined;
  return (
    pickString(value, 'from', 'username') ??
    pickString(value, 'from', 'name') ??
    pickString(value, 'from', 'id') ??
    pickString(contact, 'profile', 'name') ??
    pickString(firstWhatsappMessage(value), 'from') ??
    pickString(value, 'sender', 'id')
  );
}
