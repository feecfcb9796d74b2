import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../../../src/config/env.ts';
import { parseConfig } from '../../../src/config/load-config.ts';
import { classifyError } from '../../../src/actions/runtime/classify-error.ts';
import { isRateLimited, pausesDestination } from '../../../src/actions/runtime/rate-limited.ts';
import { PermanentError } from '../../../src/errors.ts';
import { createReviewReminderAction } from '../../../src/reminders/review-reminder-action.ts';
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
    github.setRateLimit(0, new Date(NOW.getTime() + 5_000));
    const before = github.requests.length;
    const attempt = new AbortController();
    try {
      const read = reader('acme/api', attempt.signal);
      // The reader's client waits up to 10 s for a limit: this one resets in 5.
      await eventually(() => github.requests.length > before, 10_000, 'the 403');
      attempt.abort(new Error('worker stopping'));
      await expect(read).rejects.toThrow('worker stopping');
      expect(github.requests.slice(before).map((r) => r.status)).toEqual([403]);
    } finally {
      github.setRateLimit(5000, new Date(NOW.getTime() + 3_600_000));
    }
  });

  it('a longer GitHub rate limit fails the read as a rate limit of this job only: no attempt used, its chat destination not paused', async () => {
    const reader = createGithubReviewReader({ connectors: connectors(', orgs: [acme]'), logger: silentLogger, now: () => NOW });
    github.setRateLimit(0, new Date(NOW.getTime() + 3_600_000));
    try {
      const failure = classifyError(
        await reader('acme/api').then(
          () => undefined,
          (e: unknown) => e,
        ),
        1_000,
      );
      expect(failure).toMatchObject({ kind: 'retry', rateLimited: true, jobOnly: true, delayMs: 3_601_000 });
      expect(failure.message).toMatch(/^GitHub rate limit reading acme\/api's pull requests: /);
      const outcome = { ok: false as const, latencyMs: 0, ...failure };
      expect(isRateLimited(outcome)).toBe(true);
      expect(pausesDestination({ action: createReviewReminderAction({} as never) }, outcome)).toBe(false);
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
