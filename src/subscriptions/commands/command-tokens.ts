/**
 * Splits command text into words. Double quotes (straight or the curly ones phones and macOS
 * substitute) group words: `+label:"good first issue"`. Slack escapes `&`, `<` and `>` in command
 * text and wraps links as `<https://…|label>`; both are undone first.
 * https://api.slack.com/reference/surfaces/formatting#escaping
 */
export function tokenize(text: string): { tokens: string[]; error?: string } {
  const plain = unescapeSlack(text);
  const tokens: string[] = [];
  let current = '';
  let quoted = false;
  let started = false;
  for (const ch of plain) {
    if (ch === '"' || ch === '“' || ch === '”') {
      quoted = !quoted;
      started = true;
      continue;
    }
    if (!quoted && /\s/.test(ch)) {
      if (started) tokens.push(current);
      current = '';
      started = false;
      continue;
    }
    current += ch;
    started = true;
  }
  if (quoted) return { tokens, error: 'a quote is not closed (labels with spaces go in quotes: +label:"good first issue")' };
  if (started) tokens.push(current);
  return { tokens };
}

function unescapeSlack(text: string): string {
  return text
    .replace(/<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\u00a0/g, ' ');
}

/** Splits `a,b` (the commas inside one token), dropping empty entries. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}
