import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/actions/action.ts';
import type { ActionRegistry } from '../../../src/actions/registry.ts';
import { formatDiagnostic } from '../../../src/rules/diagnostics.ts';
import { planJobs } from '../../../src/rules/plan-jobs.ts';
import { compileYaml, event, fixedNow, testContext, testRegistry } from './test-context.ts';

// The real webhook action names `url` as its destination URL; the test stand-in does the same here.
const registry: ActionRegistry = { ...testRegistry, webhook: { ...(testRegistry.webhook as Action), destinationUrlParams: ['url'] } };
const context = { ...testContext, registry };

function renderUrl(url: string, data: Record<string, unknown>, title = 'a title') {
  const text = `rules:\n  - name: forward\n    on: github.pull_request.opened\n    do:\n      - webhook: { url: "${url}" }\n`;
  const result = compileYaml(text, context);
  expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
  const rule = result.ruleSet.rules[0];
  if (!rule) throw new Error('no rule');
  const planned = planJobs({ rule, outcome: 'matched' }, event({ type: 'github.pull_request.opened', title, data }), {
    registry,
    now: () => fixedNow,
  });
  return { url: planned.jobs[0]?.params.url, errors: planned.errors.map((e) => e.error) };
}

describe('event data in a destination URL', () => {
  it('cannot add query parameters, a fragment or path segments', () => {
    const { url } = renderUrl(
      'https://api.acme.test/search?q={{title}}&page={{data.page}}',
      { page: '2&admin=true' },
      'fix: a&b=c #1 100%',
    );
    expect(url).toBe('https://api.acme.test/search?q=fix%3A%20a%26b%3Dc%20%231%20100%25&page=2%26admin%3Dtrue');
    expect(new URL(String(url)).searchParams.get('q')).toBe('fix: a&b=c #1 100%');
    expect([...new URL(String(url)).searchParams.keys()]).toEqual(['q', 'page']);
  });

  it('keeps / in a path (owner/repo) but encodes ? and #, and refuses a .. segment', () => {
    const path = 'https://api.acme.test/repos/{{data.repo}}/issues';
    expect(renderUrl(path, { repo: 'acme/api' }).url).toBe('https://api.acme.test/repos/acme/api/issues');
    expect(renderUrl(path, { repo: 'acme/a?x=1#y' }).url).toBe('https://api.acme.test/repos/acme/a%3Fx%3D1%23y/issues');
    const escape = renderUrl(path, { repo: '../../admin' });
    expect(escape.url).toBeUndefined();
    expect(escape.errors[0]).toMatch(/URL path is a "..\/..\/admin" segment/);
  });

  it('leaves a whole URL or a host from the event to the SSRF guard, and does not encode twice', () => {
    expect(renderUrl('{{data.callback}}', { callback: 'https://cb.acme.test/x?y=1' }).url).toBe('https://cb.acme.test/x?y=1');
    expect(renderUrl('https://{{data.host}}/hook', { host: 'cb.acme.test:8443' }).url).toBe('https://cb.acme.test:8443/hook');
    expect(renderUrl('https://api.acme.test/s?q={{urlEncode title}}', {}, 'a&b').url).toBe('https://api.acme.test/s?q=a%26b');
  });

  it('encodes what is added to the query of a whole URL from the event', () => {
    const { url } = renderUrl('{{data.callback}}&state={{title}}', { callback: 'https://cb.acme.test/x?y=1' }, 'a&admin=1#f');
    expect(url).toBe('https://cb.acme.test/x?y=1&state=a%26admin%3D1%23f');
    expect([...new URL(String(url)).searchParams.keys()]).toEqual(['y', 'state']);
  });
});
