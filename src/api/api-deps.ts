import type { Logger } from 'pino';
import type { CircuitState } from '../actions/runtime/circuit-breaker.ts';
import type { ConsumerProbe } from '../bus/consumer-health.ts';
import type { EventBus } from '../bus/event-bus.ts';
import type { HubConfig } from '../config/load-config.ts';

import type { RuleSet } from '../rules/rule.ts';
import type { Authenticator } from './auth.ts';
import type { ConnectorActivity } from './connector-activity.ts';
import type { EventStream } from './event-stream.ts';
import type { ActionRegistry } from '../actions/registry.ts';

/** What the operator API needs from the hub. */
export interface OperatorApiDeps {
  bus: EventBus;
  config: HubConfig;
  /** The rules in force (hot-reloaded): replay and the rules page read it on each call. */
  getRuleSet: () => RuleSet;
  registry: ActionRegistry;
  logger: Logger;
  now?: () => Date;
  /** Circuit state of a destination key (`channel:<name>`) in this process's delivery worker. */
  circuitState?: (destination: string) => CircuitState;
  /** How long this process's delivery worker holds back jobs to a destination key that answered 429. */
  pausedFor?: (destination: string) => number;
  /** Why the running rules differ from the files (a broken file), shown on the rules page. */
  rulesProblem?: () => string | undefined;
  /** SSE poll interval. Default 500 ms. */
  streamIntervalMs?: number;
  /** Passes and failures of the SSE poller, as the hub's other background loops report theirs. */
  streamProbe?: ConsumerProbe;
  /** Passes and failures of the loop that reads logouts made on other hub processes. */
  sessionProbe?: ConsumerProbe;
  /** How often that loop reads them. Default 2 s (REVOCATION_REFRESH_MS). */
  sessionRefreshMs?: number;
  /** Hard time limit for checking or backtesting a pasted rule file in its worker thread. Default 5 s. */
  rulesTimeLimitMs?: number;
}

/** Deps plus the parts the API builds for itself, as route modules see them. */
export interface ApiContext extends OperatorApiDeps {
  now: () => Date;
  activity: ConnectorActivity;
  stream: EventStream;
  auth: Authenticator;
}
