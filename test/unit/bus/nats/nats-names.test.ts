import { describe, expect, it } from 'vitest';
import { createNatsNames, durableName, globToFilter, hashKey, subjectTokens } from '../../../../src/bus/nats/nats-names.ts';

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

  it('names streams, subjects and buckets under a prefix', () => {
    const names = createNatsNames('Test1');
    expect(names.stream('events')).toBe('TEST1_EVENTS');
    expect(names.subject('jobs', 'slack')).toBe('test1.jobs.slack');
    expect(names.filter('events')).toBe('test1.events.>');
    expect(names.filter('events', 'github.**')).toBe('test1.events.github.>');
    expect(names.historySubject('e1')).toBe(`test1.history.${hashKey('e1')}`);
    expect(names.dedupBucket).toBe('test1_dedup');
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
