import type { NotifyParams } from '../notify-params.ts';
import { truncate } from './truncate.ts';

/** Teams rejects messages over ~28 KB; keep the card's text well inside that. */
export const TEAMS_LIMITS = { title: 500, text: 20_000, facts: 30, factValue: 1_000 } as const;

const CONTAINER_STYLE: Readonly<Record<string, string>> = { good: 'good', warning: 'warning', danger: 'attention' };

/**
 * A Workflows webhook message carrying an Adaptive Card 1.4.
 * https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook
 * Teams' Adaptive Card TextBlocks render a Markdown subset, so the text is passed as is.
 */
export function formatTeams(params: NotifyParams): Record<string, unknown> {
  const body: Record<string, unknown>[] = [];
  if (params.title) {
    body.push({ type: 'TextBlock', text: truncate(params.title, TEAMS_LIMITS.title), weight: 'Bolder', size: 'Medium', wrap: true });
  }
  body.push({ type: 'TextBlock', text: truncate(params.text, TEAMS_LIMITS.text), wrap: true });
  const facts = (params.fields ?? []).slice(0, TEAMS_LIMITS.facts).map((field) => ({
    title: truncate(field.title, 100),
    value: truncate(field.value, TEAMS_LIMITS.factValue),
  }));
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
