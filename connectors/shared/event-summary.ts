/**
 * What a normalizer derives from one verified delivery: the HubEvent attributes besides `data`
 * and `connector`, ready to spread into `createHubEvent`. Connectors whose id comes from the body
 * (not a header) return it here too.
 */
export interface EventSummary {
  id: string;
  type: string;
  time: Date | undefined;
  subject: string | undefined;
  title: string | undefined;
  actor: string | undefined;
}
