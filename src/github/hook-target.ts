/** Where a webhook lives: a repository or an organization. */
export type HookTarget = { kind: 'repo'; owner: string; repo: string } | { kind: 'org'; org: string };

const REPO = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/;
const ORG = /^[A-Za-z0-9-]+$/;

/** `owner/repo` is a repository, a bare login is an organization. */
export function parseHookTarget(text: string): HookTarget {
  const repo = REPO.exec(text);
  if (repo) return { kind: 'repo', owner: repo[1] ?? '', repo: repo[2] ?? '' };
  if (ORG.test(text)) return { kind: 'org', org: text };
  throw new Error(`"${text}" is neither owner/repo nor an organization login`);
}

/** `acme/api` or `acme` (org), as the user wrote it. */
export function targetLabel(target: HookTarget): string {
  return target.kind === 'repo' ? `${target.owner}/${target.repo}` : target.org;
}

/** REST path prefix of the target's hooks: `/repos/{owner}/{repo}/hooks` or `/orgs/{org}/hooks`. */
export function hooksPath(target: HookTarget): string {
  const enc = encodeURIComponent;
  return target.kind === 'repo' ? `/repos/${enc(target.owner)}/${enc(target.repo)}/hooks` : `/orgs/${enc(target.org)}/hooks`;
}

/** Targets from a connector block: repos first, then orgs, without duplicates. */
export function targetsOf(config: { repos?: readonly string[] | undefined; orgs?: readonly string[] | undefined }): HookTarget[] {
  const labels = [...new Set([...(config.repos ?? []), ...(config.orgs ?? [])])];
  return labels.map(parseHookTarget);
}
