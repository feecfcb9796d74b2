import type { NoiseSpecInput } from '../noise/noise-spec.ts';
import type { ChatPlatformName } from './chat/platforms/index.ts';
import type { Target } from './targets.ts';

/** A feature as written: `commits:release/*` → { name: 'commits', arg: 'release/*' }. */
export interface FeatureSelection {
  name: string;
  arg?: string;
}

export type AmountOp = '>=' | '>' | '<=' | '<' | '=';

export interface AmountFilter {
  op: AmountOp;
  /** In major units, as typed (100 for `>=100 USD`). */
  value: number;
  /** ISO 4217, uppercase; absent = any currency (the number is then compared as typed, in major units). */
  currency?: string;
}

/** Filters as written in the command. Label groups are ANDed; the labels inside one group are ORed. */
export interface Filters {
  labelsAll: string[][];
  labelsNone: string[];
  authorsIn: string[];
  authorsOut: string[];
  branches: string[];
  amount?: AmountFilter;
}

export interface ChatUser {
  id: string;
  name?: string;
}

/** Where a subscription posts: one channel on one chat platform, reached through one connector. */
export interface ChatChannel {
  platform: ChatPlatformName;
  /** The connector instance the command came through (`connectors.<name>`). */
  connector: string;
  /** Slack team / Mattermost team / Discord guild. */
  team?: string;
  id: string;
  name?: string;
}

/** A stored subscription (bus kv bucket `subscriptions`, key = id). */
export interface Subscription {
  id: string;
  channel: ChatChannel;
  target: Target;
  features: FeatureSelection[];
  filters: Filters;
  noise?: NoiseSpecInput;
  createdBy: ChatUser;
  createdAt: string;
  updatedBy?: ChatUser;
  updatedAt?: string;
}

export function emptyFilters(): Filters {
  return { labelsAll: [], labelsNone: [], authorsIn: [], authorsOut: [], branches: [] };
}

export function hasFilters(f: Filters): boolean {
  return (
    f.labelsAll.length + f.labelsNone.length + f.authorsIn.length + f.authorsOut.length + f.branches.length > 0 || f.amount !== undefined
  );
}
