import type { Filters } from '../subscriptions/subscription.ts';

/** What a digest needs of one open pull request (from `GET /repos/{owner}/{repo}/pulls`). */
export interface PullRequestInfo {
  number: number;
  title: string;
  url: string;
  author: string;
  draft: boolean;
  createdAt: string;
  labels: string[];
  /** Requested reviewers: user logins and `org/team` slugs. */
  reviewers: string[];
}

/** Reads the open pull requests of `owner/repo` (the hub passes one built from a github connector's token or App). */
/** `signal` (the attempt's) ends the read, a wait for GitHub's rate limit included. */
export type ReviewQueueReader = (repo: string, signal?: AbortSignal) => Promise<PullRequestInfo[]>;

export interface WaitingOptions {
  now: Date;
  olderThanMs: number;
  filters: Filters;
}

/**
 * The PRs that wait for review: open, not drafts, with a reviewer or team requested, open at least
 * `olderThanMs` (GitHub's list has no request time, so the PR's age stands in), and passing the
 * subscription-style label and author filters. Oldest first.
 */
export function waitingForReview(prs: readonly PullRequestInfo[], options: WaitingOptions): PullRequestInfo[] {
  const cutoff = options.now.getTime() - options.olderThanMs;
  return prs
    .filter((pr) => !pr.draft && pr.reviewers.length > 0 && Date.parse(pr.createdAt) <= cutoff && passes(pr, options.filters))
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
}

function passes(pr: PullRequestInfo, f: Filters): boolean {
  const labels = new Set(pr.labels.map((l) => l.toLowerCase()));
  const author = pr.author.toLowerCase();
  if (!f.labelsAll.every((group) => group.some((l) => labels.has(l.toLowerCase())))) return false;
  if (f.labelsNone.some((l) => labels.has(l.toLowerCase()))) return false;
  if (f.authorsIn.length > 0 && !f.authorsIn.some((a) => a.toLowerCase() === author)) return false;
  return !f.authorsOut.some((a) => a.toLowerCase() === author);
}

interface RawPull {
  number: number;
  title: string;
  html_url: string;
  draft?: boolean;
  created_at: string;
  user?: { login?: string } | null;
  labels?: { name?: string }[];
  requested_reviewers?: { login?: string }[];
  requested_teams?: { slug?: string }[];
}

/** The fields of a REST pull request the digest uses. https://docs.github.com/en/rest/pulls/pulls#list-pull-requests */
export function pullRequestInfo(raw: RawPull, org: string): PullRequestInfo {
  return {
    number: raw.number,
    title: raw.title,
    url: raw.html_url,
    author: raw.user?.login ?? 'ghost',
    draft: raw.draft === true,
    createdAt: raw.created_at,
    labels: (raw.labels ?? []).flatMap((l) => (l.name ? [l.name] : [])),
    reviewers: [
      ...(raw.requested_reviewers ?? []).flatMap((r) => (r.login ? [r.login] : [])),
      ...(raw.requested_teams ?? []).flatMap((t) => (t.slug ? [`${org}/${t.slug}`] : [])),
    ],
  };
}
