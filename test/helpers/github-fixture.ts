import { readFile } from 'node:fs/promises';

/** A GitHub payload from connectors/github/fixtures, typed as far as tests change it before use. */
export type GithubFixture = Record<string, unknown> & {
  action?: string;
  pull_request: { labels: { name: string }[]; merged?: boolean; merge_commit_sha?: string; base: { ref: string } };
  workflow_run: { head_branch: string };
  release: { prerelease: boolean };
};

export async function loadGithubFixture(name: string): Promise<GithubFixture> {
  return JSON.parse(await readFile(new URL(`../../connectors/github/fixtures/${name}.json`, import.meta.url), 'utf8')) as GithubFixture;
}
