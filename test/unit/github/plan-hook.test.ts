import { describe, expect, it } from 'vitest';
import type { GithubHook } from '../../../src/github/hooks-api.ts';
import { planHook, type DesiredHook } from '../../../src/github/plan-hook.ts';

const url = 'https://hub.example.com/hooks/github';
const desired: DesiredHook = { url, markedUrl: `${url}?hookhub_fp=AAAA`, fingerprint: 'AAAA', secret: 's', events: ['push', 'issues'] };
const hook = (id: number, hookUrl: string, extra: Partial<GithubHook> = {}): GithubHook => ({
  id,
  active: true,
  events: ['issues', 'push'],
  config: { url: hookUrl, content_type: 'json', insecure_ssl: '0', secret: '********' },
  ...extra,
});

describe('planHook', () => {
  it('creates when no hook points at the hub, whatever else is there', () => {
    expect(planHook([hook(1, 'https://ci.example.com/x')], desired)).toMatchObject({
      action: 'create',
      duplicates: { remove: [], foreign: [] },
    });
  });

  it('leaves a matching hook alone (event order does not matter)', () => {
    expect(planHook([hook(1, desired.markedUrl)], desired)).toMatchObject({ action: 'unchanged', hook: { id: 1 } });
  });

  it('updates a hook carrying another secret fingerprint', () => {
    expect(planHook([hook(1, `${url}?hookhub_fp=BBBB`)], desired)).toMatchObject({ action: 'update', changes: ['secret changed'] });
  });

  it('prefers the hook with the right marker, removes other hookhub hooks, reports hand-made ones', () => {
    const plan = planHook([hook(3, url), hook(1, `${url}?hookhub_fp=BBBB`), hook(2, desired.markedUrl)], desired);
    expect(plan).toMatchObject({ action: 'unchanged', hook: { id: 2 } });
    expect(plan.duplicates.remove.map((h) => h.id)).toEqual([1]);
    expect(plan.duplicates.foreign.map((h) => h.id)).toEqual([3]);
  });

  it('keeps query parameters other than the marker as part of the URL', () => {
    expect(planHook([hook(1, `${url}?x=1&hookhub_fp=AAAA`)], desired).action).toBe('create');
  });
});
