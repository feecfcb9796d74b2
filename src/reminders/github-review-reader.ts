import type { Logger } from 'pino';
import { PermanentError, RateLimitedError } from '../errors.ts';
import { createGithubClient, type GithubClient } from '../github/github-client.ts';
import type { GithubConnectorSettings } from '../github/github-settings.ts';
import { targetLabel } from '../github/hook-target.ts';
import { githubRateLimitOf, statusOf } from '../github/rules-check/rules-repo-api.ts';
import type { LiveSecrets } from '../operations/live-secrets.ts';
import { pullRequestInfo, type PullRequestInfo, type ReviewQueueReader } from './review-queue.ts';

export interface GithubReviewReaderOptions {
  connectors: readonly GithubConnectorSettings[];
  logger: Logger;
  now: () => Date;
  fetch?: typeof fetch;
  /** Given the tokens a GitHub App's key mints, so attempt records mask them. */
  liveSecrets?: Pick<LiveSecrets, 'add'>;
}

const PAGES = 10;
/** Well inside an attempt's timeout. */
const MAX_RATE_LIMIT_WAIT_MS = 10_000;

/**
 * Reads open PRs with the API access of the github connector that covers the repository (its `repos`
 * or `orgs`), else the first one with a token or App. One client per connector, so rate limits are shared.
 */
export function createGithubReviewReader(options: GithubReviewReaderOptions): ReviewQueueReader {
  const clients = new Map<string, GithubClient>();
  return async (repo, signal) => {
    const settings = connectorFor(options.connectors, repo);
    if (!settings?.auth) throw new PermanentError(reviewAccessProblem(options.connectors, repo) ?? `cannot read ${repo}`);
    const client =
      clients.get(settings.name) ??
      createGithubClient({
        apiUrl: settings.apiUrl,
        auth: settings.auth,
        logger: options.logger,
        now: options.now,
        // A longer limit fails the read as a rate limit (held without an attempt) instead of timing the attempt out.
        maxRateLimitWaitMs: MAX_RATE_LIMIT_WAIT_MS,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.liveSecrets ? { liveSecrets: options.liveSecrets } : {}),
      });
    clients.set(settings.name, client);
    return readOpenPulls(client, repo, signal).catch((error: unknown) => {
      throw asJobOnlyLimit(error, repo, options.now());
    });
  };
}

/**
 * GitHub's rate limit met while reading, as a rate limit of this job only: it uses no attempt, but the
 * job's destination is a chat channel that subscription posts share, and GitHub's limit is not the channel's.
 */
function asJobOnlyLimit(error: unknown, repo: string, now: Date): unknown {
  const waitMs = githubRateLimitOf(error, now);
  if (waitMs === undefined) return error;
  const message = `GitHub rate limit reading ${repo}'s pull requests: ${(error as Error).message}`;
  return new RateLimitedError(message, waitMs, statusOf(error), undefined, true);
}

/**
 * The connector that lists the repository or its org, else one that lists none. A connector that
 * lists repos/orgs was scoped by the operator: its token (a PAT reaches every repository of its
 * owner) must not read a repository a chat user names outside that scope into their channel.
 */
function connectorFor(connectors: readonly GithubConnectorSettings[], repo: string): GithubConnectorSettings | undefined {
  const owner = repo.split('/')[0] ?? '';
  const covers = (c: GithubConnectorSettings) =>
    c.targets.some((t) => targetLabel(t).toLowerCase() === repo || targetLabel(t).toLowerCase() === owner);
  return connectors.find((c) => c.auth && covers(c)) ?? connectors.find((c) => c.auth && c.targets.length === 0);
}

/** Why `repo`'s pull requests cannot be read, or undefined when a connector may read them. */
export function reviewAccessProblem(connectors: readonly GithubConnectorSettings[], repo: string): string | undefined {
  if (connectorFor(connectors, repo)) return undefined;
  if (!connectors.some((c) => c.auth))
    return `no github connector with API access (token or app) to read ${repo}'s pull requests: see docs/github.md`;
  const listed = connectors.flatMap((c) => (c.auth ? c.targets.map(targetLabel) : []));
  return `${repo} is not among the repositories and orgs the github connectors with API access list (${listed.join(', ')}): add it under repos or orgs to read its pull requests`;
}

async function readOpenPulls(client: GithubClient, repo: string, signal: AbortSignal | undefined): Promise<PullRequestInfo[]> {
  const [owner = '', name = ''] = repo.split('/');
  const out: PullRequestInfo[] = [];
  for (let page = 1; page <= PAGES; page++) {
    const { data } = await client
      .request('GET /repos/{owner}/{repo}/pulls', {
        owner,
        repo: name,
        state: 'open',
        per_page: 100,
        page,
        ...(signal ? { request: { signal } } : {}),
      })
      .catch((err: unknown) => {
        const status = (err as { status?: number }).status;
        // A missing repo or a token without access needs a person, not retries.
        if (status === 401 || status === 404)
          throw new PermanentError(`GitHub ${status} reading ${repo}'s pull requests: ${(err as Error).message}`);
        throw err;
      });
    out.push(...data.map((raw) => pullRequestInfo(raw, owner)));
    if (data.length < 100) break;
  }
  return out;
}
