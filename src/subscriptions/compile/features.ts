import { RAZORPAY, STRIPE } from './payment-features.ts';
import { GITHUB, GITLAB } from './repo-features.ts';

/**
 * What each subscription feature listens to, per provider: event types, a base filter, and where
 * the filters (labels, author, branch, amount) look in that provider's payload.
 */
export type Provider = 'github' | 'gitlab' | 'stripe' | 'razorpay' | 'glob';

export interface FeatureDef {
  /** Type globs the feature's rule listens on. */
  on: readonly string[];
  /** Always-on `when` clauses (e.g. failures only). */
  when?: Readonly<Record<string, unknown>>;
  /** Label name paths (any element matches); absent = label filters do not apply. */
  labels?: readonly string[];
  /** Author paths besides the event's actor; absent = author filters do not apply (payments). */
  authors?: readonly string[];
  /** Branch name paths, and whether they hold `refs/heads/<branch>`. */
  branch?: { paths: readonly string[]; refs?: boolean };
  /** Amount (minor units) and currency paths, for payment features. */
  amount?: { value: string; currency: string; upperCurrency?: boolean };
  /** The messages of this feature are threaded per PR/issue. */
  threaded?: boolean;
  /** `workflows:all` style variants, by argument. */
  variants?: Readonly<Record<string, Omit<FeatureDef, 'variants'>>>;
}

export interface ProviderDef {
  label: string;
  /** Payload path holding the repository/project path, matched against the target. */
  pathField?: string;
  features: Readonly<Record<string, FeatureDef>>;
  defaults: readonly string[];
}

const GLOB: ProviderDef = { label: 'event type', defaults: ['events'], features: { events: { on: [], authors: [] } } };

export const PROVIDERS: Readonly<Record<Provider, ProviderDef>> = {
  github: GITHUB,
  gitlab: GITLAB,
  stripe: STRIPE,
  razorpay: RAZORPAY,
  glob: GLOB,
};

/** `payments` is shorthand for every payment feature. */
export const FEATURE_ALIASES: Readonly<Record<string, Partial<Record<Provider, readonly string[]>>>> = {
  payments: { stripe: STRIPE.defaults, razorpay: RAZORPAY.defaults },
  prs: { github: ['pulls'], gitlab: ['pulls'] },
  mrs: { gitlab: ['pulls'] },
  merge_requests: { gitlab: ['pulls'] },
};
