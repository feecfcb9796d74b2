import type { NotifyParams } from '../notify-params.ts';
import { truncateBytes } from '../../../shared/truncate.ts';

/** Teams rejects messages over ~28 KB (UTF-8 bytes); the card's text is budgeted to stay inside that. */
export const TEAMS_LIMITS = { messageBytes: 28_000, textBytes: 24_000, titleBytes: 1_000, facts: 20, factBytes: 400 } as const;

const CONTAINER_STYLE: Readonly<Record<string, string>> = { good: 'good', warning: 'warning', danger: 'attention' };

/**
 * A Workflows webhook message carrying an Adaptive Card 1.4.
 * https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook
 * Teams' Adaptive Card TextBlocks render a Markdown subset, so the text is passed as is.
 */
export function formatTeams(params: NotifyParams): Record<string, unknown> {
  const body: Record<string, unknown>[] = [];
  if (params.title) {
    body.push({
      type: 'TextBlock',
      text: truncateBytes(params.title, TEAMS_LIMITS.titleBytes),
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
    });
  }
  const facts = (params.fields ?? []).slice(0, TEAMS_LIMITS.facts).map((field) => ({
    title: truncateBytes(field.title, 100),
    value: truncateBytes(field.value, TEAMS_LIMITS.factBytes),
  }));
  const used = Buffer.byteLength(JSON.stringify(body)) + Buffer.byteLength(JSON.stringify(facts));
  // JSON escaping can grow text (quotes, newlines), so budget on the escaped size.
  body.push({ type: 'TextBlock', text: fitEscaped(params.text, TEAMS_LIMITS.textBytes - used), wrap: true });
  if (facts.length > 0) body.push({ type: 'FactSet', facts });
  const style = params.color ? CONTAINER_STYLE[params.color.toLowerCase()] : undefined;
  const content: Record<string, unknown> = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: style ? [{ type: 'Container', style, bleed: true, items: body }] : body,
    msteams: { width: 'Full' },
  };
  if (params.url) content.actions = [{ type: 'Action.OpenUrl', title: 'Open', url: params.url }];
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }],
  };
}

function fitEscaped(text: string, maxBytes: number): string {
  let out = truncateBytes(text, maxBytes);
  while (out.length > 0 && Buffer.byteLength(JSON.stringify(out)) > maxBytes)
    out = truncateBytes(out, Math.floor(Buffer.byteLength(out) * 0.9));
  return out;
}
