/** What each subscription feature listens to on a code host (GitHub, GitLab): issues, pulls, commits, CI and the rest. */
import type { ProviderDef } from './features.ts';

const FAILED = ['failure', 'timed_out', 'startup_failure'];
const GH_PR_LABELS = ['data.pull_request.labels.name'];
const GH_ISSUE_LABELS = ['data.issue.labels.name'];

export const GITHUB: ProviderDef = {
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

export const GITLAB: ProviderDef = {
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
