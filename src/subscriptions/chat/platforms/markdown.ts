/** Slack's `*bold*` is Markdown's `**bold**` on Discord and Mattermost. */
export function toMarkdown(text: string): string {
  return text.replace(/(^|\s)\*([^*\n]+)\*(?=\s|$|[.,:;])/g, '$1**$2**');
}
