import { githubRateLimitDelay } from '../../actions/ci/github-rate-limit.ts';
import { PermanentError, RateLimitedError, RetryableError } from '../../errors.ts';
import type { RuleSource } from '../../rules/compile-rule-sources.ts';
import { isRulesFileName, MAX_RULES_FILE_BYTES } from '../../rules/load-rule-set.ts';
import type { GithubClient } from '../github-client.ts';
import { RateLimitWaitError } from '../rate-limit-gate.ts';

/** `owner/repo` and the rules folder in it. */
export interface RulesRepo {
  owner: string;
  repo: string;
  path: string;
}

/** Whether a pull request changes anything in the rules folder (GitHub lists at most 3000 files). */
export async function touchesRules(client: GithubClient, where: RulesRepo, pull: number): Promise<boolean> {
  const prefix = `${where.path}/`;
  for (let page = 1; page <= 30; page += 1) {
    const { data } = await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
      owner: where.owner,
      repo: where.repo,
      pull_number: pull,
      per_page: 100,
      page,
    });
    if (data.some((f) => f.filename.startsWith(prefix) || f.previous_filename?.startsWith(prefix))) return true;
    if (data.length < 100) return false;
  }
  return true;
}

/**
 * The rule files of the folder at a commit, named by their path in the repository (so diagnostics
 * become check-run annotations as they are). A folder the commit does not have holds no rules.
 */
export async function ruleSourcesAt(client: GithubClient, where: RulesRepo, ref: string): Promise<RuleSource[]> {
  const listing = await getOrMissing(() =>
    client.request('GET /repos/{owner}/{repo}/contents/{path}', { owner: where.owner, repo: where.repo, path: where.path, ref }),
  );
  if (!listing || !Array.isArray(listing.data)) return [];
  const files = listing.data
    .filter((e) => e.type === 'file' && isRulesFileName(e.name) && e.size <= MAX_RULES_FILE_BYTES)
    .sort((a, b) => a.path.localeCompare(b.path));
  const sources: RuleSource[] = [];
  for (const file of files) {
    const { data } = await client.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: where.owner,
      repo: where.repo,
      path: file.path,
      ref,
      mediaType: { format: 'raw' },
    });
    sources.push({ file: file.path, text: typeof data === 'string' ? data : Buffer.from(data as unknown as ArrayBuffer).toString('utf8') });
  }
  return sources;
}

async function getOrMissing<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * GitHub's answer as the worker loop understands it: a rate limit (a 403 as often as a 429, or the client's
 * refusal to send while one lasts) waits for it without using an attempt; 5xx, 429 and network errors retry;
 * other 4xx don't.
 */
export function asDeliveryError(error: unknown, what: string, now: Date): Error {
  const status = statusOf(error);
  const limitedMs = githubRateLimitOf(error, now);
  if (error instanceof RateLimitWaitError && limitedMs !== undefined) return new RateLimitedError(`${what}: ${error.message}`, limitedMs);
  const message = `${what}: ${status ? `GitHub answered ${status}` : 'GitHub unreachable'} (${(error as Error).message})`;
  if (limitedMs !== undefined) return new RateLimitedError(message, limitedMs, status);
  if (status === undefined || status >= 500 || status === 429) return new RetryableError(message, undefined, status);
  return new PermanentError(message, status);
}

/** How long a GitHub rate limit asks to wait, from a refused request's headers and message, or the client's own refusal. */
export function githubRateLimitOf(error: unknown, now: Date): number | undefined {
  // A second past the time, as for GitHub's reset (github-rate-limit.ts).
  if (error instanceof RateLimitWaitError) return Math.max(0, error.resetAt.getTime() - now.getTime()) + 1_000;
  const status = statusOf(error);
  const headers = (error as { response?: { headers?: Record<string, unknown> } } | null)?.response?.headers;
  if (status === undefined || !headers) return undefined;
  const known = Object.entries(headers).flatMap(([name, value]): [string, string][] =>
    typeof value === 'string' || typeof value === 'number' ? [[name, String(value)]] : [],
  );
  return githubRateLimitDelay({ status, headers: new Headers(known) }, (error as Error).message, now);
}
