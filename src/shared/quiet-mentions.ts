/**
 * Text that quotes others (an event's comment, the words of a command) must not notify people: `@channel`,
 * `@all` or `@alice` in it would, as Discord's `allowed_mentions` and Slack's escaping prevent on those
 * platforms. A zero-width space after `@` keeps the text as it reads, without the mention.
 */
export function quietMentions(text: string): string {
  // Not inside a word: an address (bob@example.com) mentions nobody and must stay as it is to copy.
  return text.replace(/(?<![\p{L}\p{N}_.+-])@(?=[\p{L}\p{N}_.-])/gu, '@\u200b');
}
