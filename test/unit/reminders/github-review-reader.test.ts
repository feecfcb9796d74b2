import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../../../src/config/env.ts';
import { parseConfig } from '../../../src/config/load-config.ts';
import { PermanentError } from '../../../src/errors.ts';
import { githubConnectors } from '../../../src/github/github-settings.ts';
import { createGithubReviewReader, reviewAccessProblem } from '../../../src/reminders/github-review-reader.ts';
import { startFakeGithub, type FakeGithub } from '../../helpers/fake-github.ts';
import { eventually, silentLogger } from '../../helpers/hub-fixtures.ts';

const NOW = new Date('2026-12-07T08:00:00Z');
let github: FakeGithub;

beforeAll(async () => {
  github = await startFakeGithub({ tokens: ['ghp_acme'], now: () => NOW });
  const pull = { number: 1, title: 'Payroll export', author: 'ana', createdAt: '2026-12-01T08:00:00Z', reviewers: ['bob'] };
  github.setPulls('acme/api', [pull]);
  // The token reaches this one too (a PAT reaches every repository of its owner), but no connector lists it.
  github.setPulls('otherorg/secret', [pull]);
});
afterAll(() => github.close());

function connectors(block: string) {
  const yaml = `connectors:\n  gh: { type: github, secret: s, token: ghp_acme, apiUrl: "${github.url}"${block} }\n`;
  return githubConnectors(parseConfig('/etc/hookhub/hookhub.yaml', yaml, readEnv({})));
}

describe('github review reader', () => {
  it("ends a wait for GitHub's rate limit when the attempt's signal aborts (the worker stopping), sending nothing more", async () => {
    const reader = createGithubReviewReader({ connectors: connectors(', orgs: [acme]'), logger: silentLogger, now: () => NOW });
    github.setRateLimit(0, new Date(NOW.getTime() + 600_000));
    const before = github.requests.length;
    const attempt = new AbortController();
    try {
      const read = reader('acme/api', attempt.signal);
      // The hub's client waits up to 15 min for a limit: this one resets in 10.
      await eventually(() => github.requests.length > before, 10_000, 'the 403');
      attempt.abort(new Error('worker stopping'));
      await expect(read).rejects.toThrow('worker stopping');
      expect(github.requests.slice(before).map((r) => r.status)).toEqual([403]);
    } finally {
      github.setRateLimit(5000, new Date(NOW.getTime() + 3_600_000));
    }
  });

  it('reads only the repositories a connector that lists repos or orgs covers, never others its token reaches', async () => {
    const scoped = connectors(', orgs: [acme]');
    const reader = createGithubReviewReader({ connectors: scoped, logger: silentLogger, now: () => NOW });
    expect((await reader('acme/api')).map((pr) => pr.title)).toEqual(['Payroll export']);
    const read = reader('otherorg/secret');
    await expect(read).rejects.toBeInstanceOf(PermanentError);
    await expect(read).rejects.toThrow(
      'otherorg/secret is not among the repositories and orgs the github connectors with API access list (acme): add it under repos or orgs to read its pull requests',
    );
    expect(github.requests.some((r) => r.path === '/repos/otherorg/secret/pulls')).toBe(false);
    expect(reviewAccessProblem(scoped, 'acme/web')).toBeUndefined();
  });

  it('a connector that lists no repos or orgs reads any repository its token reaches', async () => {
    const unscoped = connectors('');
    const reader = createGithubReviewReader({ connectors: unscoped, logger: silentLogger, now: () => NOW });
    expect(await reader('otherorg/secret')).toHaveLength(1);
    expect(reviewAccessProblem(unscoped, 'otherorg/secret')).toBeUndefined();
  });
});
