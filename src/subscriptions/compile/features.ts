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

const FAILED = ['failure', 'timed_out', 'startup_failure'];
const GH_PR_LABELS = ['data.pull_request.labels.name'];
const GH_ISSUE_LABELS = ['data.issue.labels.name'];

const GITHUB: ProviderDef = {
  label: 'GitHub',
  pathField: 'data.repository.full_name',
  defaults: ['issues', 'pulls', 'commits', 'releases', 'deployments'],
  features: {
    issues: {
      on: ['github.issues.opened', 'github.issues.closed', 'github.issues.reopened'],
      labels: GH_ISSUE_LABELS,
      authors: ['data.issue.user.login'],
      threaded: true,
    },
    pulls: {
      on: [
        'github.pull_request.opened',
        'github.pull_request.closed',
        'github.pull_request.reopened',
        'github.pull_request.ready_for_review',
      ],
      labels: GH_PR_LABELS,
      authors: ['data.pull_request.user.login'],
      branch: { paths: ['data.pull_request.base.ref'] },
      threaded: true,
    },
    commits: {
      on: ['github.push'],
      when: { 'data.deleted': { $ne: true }, 'data.ref': { $regex: '^refs/heads/' } },
      authors: ['data.pusher.name'],
      branch: { paths: ['data.ref'], refs: true },
    },
    releases: { on: ['github.release.published'], authors: ['data.release.author.login'] },
    deployments: {
      on: ['github.deployment_status.created'],
      when: { 'data.deployment_status.state': { $in: ['success', 'failure', 'error'] } },
      authors: ['data.deployment.creator.login'],
      branch: { paths: ['data.deployment.ref'] },
    },
    workflows: {
      on: ['github.workflow_job.completed'],
      when: { 'data.workflow_job.conclusion': { $in: FAILED } },
      authors: [],
      branch: { paths: ['data.workflow_job.head_branch'] },
      variants: {
        all: {
          on: ['github.workflow_run.completed'],
          authors: ['data.workflow_run.triggering_actor.login'],
          branch: { paths: ['data.workflow_run.head_branch'] },
        },
      },
    },
    reviews: {
      on: ['github.pull_request_review.submitted'],
      labels: GH_PR_LABELS,
      authors: ['data.review.user.login'],
      branch: { paths: ['data.pull_request.base.ref'] },
      threaded: true,
    },
    comments: {
      on: ['github.issue_comment.created', 'github.pull_request_review_comment.created', 'github.commit_comment.created'],
      labels: [...GH_ISSUE_LABELS, ...GH_PR_LABELS],
      authors: ['data.comment.user.login'],
      threaded: true,
    },
  },
};

const GL_LABELS = ['data.labels.title'];
const GL_AUTHOR = ['data.user.username'];

const GITLAB: ProviderDef = {
  label: 'GitLab',
  pathField: 'data.project.path_with_namespace',
  defaults: ['issues', 'pulls', 'commits', 'releases', 'deployments'],
  features: {
    issues: {
      on: ['gitlab.issue.open', 'gitlab.issue.close', 'gitlab.issue.reopen'],
      labels: GL_LABELS,
      authors: GL_AUTHOR,
      threaded: true,
    },
    pulls: {
      on: ['gitlab.merge_request.open', 'gitlab.merge_request.close', 'gitlab.merge_request.reopen', 'gitlab.merge_request.merge'],
      labels: GL_LABELS,
      authors: GL_AUTHOR,
      branch: { paths: ['data.object_attributes.target_branch'] },
      threaded: true,
    },
    commits: { on: ['gitlab.push'], authors: ['data.user_username'], branch: { paths: ['data.ref'], refs: true } },
    releases: { on: ['gitlab.release.create'], authors: [] },
    deployments: {
      on: ['gitlab.deployment'],
      when: { 'data.status': { $in: ['success', 'failed'] } },
      authors: GL_AUTHOR,
      branch: { paths: ['data.ref'] },
    },
    workflows: {
      on: ['gitlab.pipeline'],
      when: { 'data.object_attributes.status': 'failed' },
      authors: GL_AUTHOR,
      branch: { paths: ['data.object_attributes.ref'] },
      variants: {
        all: {
          on: ['gitlab.pipeline'],
          when: { 'data.object_attributes.status': { $in: ['success', 'failed', 'canceled'] } },
          authors: GL_AUTHOR,
          branch: { paths: ['data.object_attributes.ref'] },
        },
      },
    },
    reviews: {
      on: ['gitlab.merge_request.approved', 'gitlab.merge_request.unapproved'],
      labels: GL_LABELS,
      authors: GL_AUTHOR,
      threaded: true,
    },
    comments: { on: ['gitlab.note', 'gitlab.note.*'], authors: GL_AUTHOR, threaded: true },
  },
};

const STRIPE_OBJECT = 'data.data.object';
const stripe = (on: string[], value: string): FeatureDef => ({
  on,
  amount: { value: `${STRIPE_OBJECT}.${value}`, currency: `${STRIPE_OBJECT}.currency` },
});

const STRIPE: ProviderDef = {
  label: 'Stripe',
  defaults: ['succeeded', 'failed', 'disputes', 'refunds'],
  features: {
    succeeded: stripe(['stripe.payment_intent.succeeded'], 'amount_received'),
    failed: stripe(['stripe.payment_intent.payment_failed'], 'amount'),
    disputes: stripe(['stripe.charge.dispute.created', 'stripe.charge.dispute.closed'], 'amount'),
    refunds: stripe(['stripe.charge.refunded'], 'amount_refunded'),
  },
};

const rzp = (on: string[], entity: string): FeatureDef => ({
  on,
  amount: { value: `data.payload.${entity}.entity.amount`, currency: `data.payload.${entity}.entity.currency`, upperCurrency: true },
});

const RAZORPAY: ProviderDef = {
  label: 'Razorpay',
  defaults: ['succeeded', 'failed', 'disputes', 'refunds'],
  features: {
    succeeded: rzp(['razorpay.payment.captured'], 'payment'),
    failed: rzp(['razorpay.payment.failed'], 'payment'),
    disputes: rzp(['razorpay.payment.dispute.created', 'razorpay.payment.dispute.lost', 'razorpay.payment.dispute.won'], 'dispute'),
    refunds: rzp(['razorpay.refund.processed'], 'refund'),
  },
};

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
