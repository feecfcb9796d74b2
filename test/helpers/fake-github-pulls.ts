import type { Reply } from './fake-github-hooks.ts';

/** What a test gives for one open PR; the fake fills in the REST shape. */
export interface FakePull {
  number: number;
  title: string;
  author: string;
  createdAt: string;
  draft?: boolean;
  labels?: string[];
  reviewers?: string[];
  teams?: string[];
}

/**
 * `GET /repos/{owner}/{repo}/pulls?state=open&per_page&page` as GitHub answers it: newest first,
 * `Link` rel="next" while pages remain. https://docs.github.com/en/rest/pulls/pulls#list-pull-requests
 */
export function handlePulls(path: string, query: URLSearchParams, pulls: ReadonlyMap<string, FakePull[]>, base: string): Reply | undefined {
  const match = /^\/repos\/([^/]+)\/([^/]+)\/pulls$/.exec(path);
  if (!match) return undefined;
  const repo = `${match[1]}/${match[2]}`.toLowerCase();
  const all = pulls.get(repo);
  if (!all)
    return {
      status: 404,
      headers: {},
      body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/pulls/pulls#list-pull-requests' },
    };
  const perPage = Math.min(Number(query.get('per_page') ?? 30), 100);
  const page = Number(query.get('page') ?? 1);
  const sorted = [...all].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  const slice = sorted.slice((page - 1) * perPage, page * perPage);
  const more = page * perPage < sorted.length;
  const headers: Record<string, string> = more
    ? { link: `<${base}${path}?state=open&per_page=${perPage}&page=${page + 1}>; rel="next"` }
    : {};
  return { status: 200, headers, body: slice.map((pr) => restPull(repo, pr)) };
}

function restPull(repo: string, pr: FakePull) {
  return {
    number: pr.number,
    state: 'open',
    title: pr.title,
    html_url: `https://github.com/${repo}/pull/${pr.number}`,
    user: { login: pr.author },
    draft: pr.draft ?? false,
    created_at: pr.createdAt,
    labels: (pr.labels ?? []).map((name) => ({ name })),
    requested_reviewers: (pr.reviewers ?? []).map((login) => ({ login })),
    requested_teams: (pr.teams ?? []).map((slug) => ({ slug })),
  };
}
