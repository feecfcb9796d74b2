import type { SourceConnector } from '../../src/subscriptions/scope/source-connectors.ts';
import type { SubscriptionScope } from '../../src/subscriptions/scope/subscription-scope.ts';

/** A hub's connectors, one per provider the subscription tests use, named after its type and listing no repos or orgs. */
export const testSources: readonly SourceConnector[] = ['github', 'gitlab', 'stripe', 'razorpay', 'sentry', 'pagerduty', 'slack'].map(
  (type) => ({ name: type, type, lists: [] }),
);

/** Every team sees every connector (no `subscriptions.teams`). */
export const unscopedScope: SubscriptionScope = { sources: testSources };
