import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createNatsNames, durableName, globToFilter, hashKey, idToken, subjectTokens } from '../../../../src/bus/nats/nats-names.ts';

describe('NATS names', () => {
  it('keeps ordinary event types readable', () => {
    expect(subjectTokens('github.pull_request.opened')).toBe('github.pull_request.opened');
    expect(subjectTokens('schedule.nightly-report')).toBe('schedule.nightly-report');
  });

  it('escapes characters NATS forbids, deterministically and without collisions', () => {
    expect(subjectTokens('a b.*.>')).toBe('a%20b.%2A.%3E');
    expect(subjectTokens('a..b')).toBe('a.%.b');
    expect(subjectTokens('%')).toBe('%25');
    expect(subjectTokens('é')).toBe('%C3%A9');
    expect(subjectTokens('')).toBe('%');
    expect(subjectTokens('a%20b')).not.toBe(subjectTokens('a b'));
  });

  it('maps type globs to NATS filters', () => {
    expect(globToFilter('github.**')).toBe('github.>');
    expect(globToFilter('github.pull_request.*')).toBe('github.pull_request.*');
    expect(globToFilter('*.push')).toBe('*.push');
    // A middle `**` cannot be expressed: widen, callers re-check with matchTypeGlob.
    expect(globToFilter('a.**.b')).toBe('a.>');
  });

  it('turns any id into one short subject token', () => {
    expect(idToken('a.b *>')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(idToken('x')).not.toBe(idToken('y'));
  });

  it('answers the same token for an id, however many other ids came since', () => {
    const token = (id: string) => createHash('sha256').update(id).digest('base64url').slice(0, 22);
    const ids = Array.from({ length: 10_000 }, (_, i) => `id-${i}`);
    // Past both generations of remembered answers, and back again.
    for (const id of [...ids, ...ids.slice(0, 100), ...ids.slice(-100)]) expect(idToken(id)).toBe(token(id));
    expect(hashKey('id-1')).toBe(createHash('sha256').update('id-1').digest('hex'));
  });

  it('names streams, subjects and buckets under a prefix', () => {
    const names = createNatsNames('Test1');
    expect(names.stream('events')).toBe('TEST1_EVENTS');
    expect(names.subject('jobs', 'j1', 'slack')).toBe(`test1.jobs.${idToken('j1')}.slack`);
    expect(names.idFilter('jobs', 'j1')).toBe(`test1.jobs.${idToken('j1')}.>`);
    expect(names.filter('events')).toBe('test1.events.>');
    expect(names.filter('events', 'github.**')).toBe('test1.events.*.github.>');
    expect(names.historySubject('e1')).toBe(`test1.history.${hashKey('e1')}`);
    expect(names.legacyDedupBucket).toBe('test1_dedup');
    expect(names.contentBucket).toBe('test1_content');
    expect(() => createNatsNames('bad.prefix')).toThrow(/invalid NATS prefix/);
  });

  it('makes durable consumer names safe', () => {
    expect(durableName('router')).toBe('router');
    const odd = durableName('actions.webhook *');
    expect(odd).toMatch(/^actions_webhook___[0-9a-f]{16}$/);
    expect(durableName('actions.webhook *')).toBe(odd);
    expect(durableName('actions_webhook__')).not.toBe(odd);
  });
});
