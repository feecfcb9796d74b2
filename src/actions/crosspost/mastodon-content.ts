/**
 * Mastodon gives a status back as HTML (`content`), rendered from the plain text that was posted:
 * the text HTML-escaped, URLs, hashtags and mentions made links, blank lines made paragraphs and
 * single line breaks `<br />`. https://docs.joinmastodon.org/entities/Status/#content
 */

/** The entities Mastodon's escaping writes (`&#39;` among the numeric ones), and a no-break space. */
const NAMED_ENTITIES = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
  ['nbsp', '\u00a0'],
]);

/**
 * The text a status shows (its HTML's text content), with paragraphs and line breaks as line breaks.
 * A link's text stays whole: Mastodon splits the URL it shows into spans (`invisible` for the scheme
 * and the end, `ellipsis` for the part on screen), but all of it is in the text.
 */
export function statusText(html: string): string {
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p\s*>/gi, '\n\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text);
}

/**
 * A text reduced to what survives Mastodon's rendering, for comparing a status with the text posted:
 * whitespace runs as one space (paragraphs and line breaks come back as tags), and a mention as its
 * username only, since Mastodon shows `@alice@example.org` as `@alice` once it knows the account.
 */
export function comparableText(text: string): string {
  return text
    .replace(/@([\w.-]*\w)@[\w.-]*\w/g, '@$1')
    .replace(/\s+/g, ' ')
    .trim();
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return NAMED_ENTITIES.get(name.toLowerCase()) ?? entity;
  });
}
