import type { Connector } from './connector.ts';
import { bitbucketConnector } from './bitbucket/index.ts';
import { genericConnector } from './generic/index.ts';
import { jiraConnector } from './jira/index.ts';
import { linearConnector } from './linear/index.ts';
import { pagerdutyConnector } from './pagerduty/index.ts';
import { sentryConnector } from './sentry/index.ts';
import { githubConnector } from './github/index.ts';
import { discordConnector } from './discord/index.ts';
import { gitlabConnector } from './gitlab/index.ts';
import { mattermostConnector } from './mattermost/index.ts';
import { metaConnector } from './meta/index.ts';
import { razorpayConnector } from './razorpay/index.ts';
import { shopifyConnector } from './shopify/index.ts';
import { slackConnector } from './slack/index.ts';
import { twilioConnector } from './twilio/index.ts';
import { standardWebhooksConnector } from './standard-webhooks/index.ts';
import { stripeConnector } from './stripe/index.ts';

/**
 * Every connector type, by the `type:` users write in hookhub.yaml. An explicit map: adding a
 * provider means importing it here (no filesystem scanning, no if-chains).
 */
export const connectorRegistry = {
  github: githubConnector,
  stripe: stripeConnector,
  'standard-webhooks': standardWebhooksConnector,
  bitbucket: bitbucketConnector,
  linear: linearConnector,
  pagerduty: pagerdutyConnector,
  sentry: sentryConnector,
  jira: jiraConnector,
  generic: genericConnector,
  razorpay: razorpayConnector,
  slack: slackConnector,
  gitlab: gitlabConnector,
  shopify: shopifyConnector,
  meta: metaConnector,
  discord: discordConnector,
  twilio: twilioConnector,
  mattermost: mattermostConnector,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each connector has its own config type (Connector is invariant in it): any stands for "some config"
} as const satisfies Record<string, Connector<any>>;

export type ConnectorType = keyof typeof connectorRegistry;

/** The connector for a `type:` value, or undefined for an unknown type. */
export function findConnector(type: string): Connector | undefined {
  return Object.hasOwn(connectorRegistry, type) ? connectorRegistry[type as ConnectorType] : undefined;
}

/** The known `type:` values, for "unknown connector type" messages. */
export function connectorTypes(): string[] {
  return Object.keys(connectorRegistry).sort();
}
