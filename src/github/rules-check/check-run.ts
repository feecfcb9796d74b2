import { truncate } from '../../shared/truncate.ts';
import type { RulesDiff } from '../../operations/rules-diff.ts';
import { diffSummaryLine, formatDiffMarkdown } from '../../operations/rules-diff-format.ts';
import type { Diagnostic } from '../../rules/diagnostics.ts';
import type { GithubClient } from '../github-client.ts';
import { statusOf, type RulesRepo } from './rules-repo-api.ts';

/** The check's name: one check per head commit, found again by this name and updated in place. */
export const CHECK_NAME = 'hookhub rules';
/** GitHub takes at most 50 annotations per request, and a summary of at most 65,535 characters. */
const MAX_ANNOTATIONS = 50;
const MAX_SUMMARY = 60_000;

export interface CheckOutcome {
  conclusion: 'success' | 'failure' | 'neutral';
  title: string;
  summary: string;
  annotations: { path: string; start_line: number; end_line: number; annotation_level: 'failure' | 'warning'; message: string }[];
}

/** Invalid rules fail with file:line annotations; a valid change with an effect is neutral, with the effect as tables; no effect is a success. */
export function checkOutcome(
  problems: readonly Diagnostic[],
  diff: RulesDiff | undefined,
  labels: { base: string; head: string },
): CheckOutcome {
  const annotations = problems.slice(0, MAX_ANNOTATIONS).map((d) => ({
    path: d.file,
    start_line: d.line,
    end_line: d.line,
    annotation_level: d.severity === 'error' ? ('failure' as const) : ('warning' as const),
    message: d.message,
  }));
  const errors = problems.filter((d) => d.severity === 'error').length;
  if (errors > 0 || !diff) {
    const list = problems.map((d) => `- \`${d.file}:${d.line}:${d.col}\` ${d.message}`).join('\n');
    return {
      conclusion: 'failure',
      title: `${errors} error(s) in the rules`,
      summary: truncate(`The rules do not validate; the hub would refuse them.\n\n${list}`, MAX_SUMMARY),
      annotations,
    };
  }
  const summary = truncate(formatDiffMarkdown(diff, labels), MAX_SUMMARY);
  return { conclusion: diff.rules.length > 0 ? 'neutral' : 'success', title: diffSummaryLine(diff), summary, annotations };
}

/**
 * Creates the check on the head commit, or updates the one already there (a redelivered or
 * replayed event), so a commit never gets a second "hookhub rules" check.
 */
export async function publishCheck(
  client: GithubClient,
  where: RulesRepo,
  headSha: string,
  outcome: CheckOutcome,
): Promise<{ id: number; created: boolean }> {
  const { owner, repo } = where;
  const body = {
    status: 'completed' as const,
    conclusion: outcome.conclusion,
    output: { title: outcome.title, summary: outcome.summary, annotations: outcome.annotations },
  };
  const existing = await client.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
    owner,
    repo,
    ref: headSha,
    check_name: CHECK_NAME,
    filter: 'latest',
  });
  const found = existing.data.check_runs[0];
  if (found) {
    await client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { owner, repo, check_run_id: found.id, ...body });
    return { id: Number(found.id), created: false };
  }
  const made = await client.request('POST /repos/{owner}/{repo}/check-runs', { owner, repo, name: CHECK_NAME, head_sha: headSha, ...body });
  return { id: Number(made.data.id), created: true };
}

/**
 * GitHub lets only Apps write check runs. With a personal access token the result goes out as a
 * commit status instead: the conclusion and the summary line, no tables or annotations.
 */
export async function publishStatus(client: GithubClient, where: RulesRepo, headSha: string, outcome: CheckOutcome): Promise<void> {
  const state = outcome.conclusion === 'failure' ? 'failure' : 'success';
  await client.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
    owner: where.owner,
    repo: where.repo,
    sha: headSha,
    state,
    context: CHECK_NAME,
    description: truncate(outcome.title, 140),
  });
}

/** 403 on a check-run write: the credentials cannot write checks (a personal access token). Rate limits are waited out by the client before this. */
export function checksForbidden(error: unknown): boolean {
  return statusOf(error) === 403;
}
