import { describe, expect, it } from 'vitest';
import { checkWhen } from '../../../src/rules/when-check.ts';
import { createWhenExplainer } from '../../../src/rules/when-explainer.ts';
import { compileWhen } from '../../../src/shared/when-filter.ts';
import { formatDiagnostic } from '../../../src/rules/diagnostics.ts';
import { compileYaml, event } from './test-context.ts';

const pr = event({
  type: 'github.pull_request.opened',
  actor: 'octocat',
  data: {
    action: 'opened',
    number: 42,
    pull_request: { draft: false, title: 'WIP: faster builds', additions: 120, labels: [{ name: 'bug' }, { name: 'ci' }], merged_at: null },
    repository: { full_name: 'acme/api', topics: ['go', 'api'] },
  },
});

const matches = (when: Record<string, unknown>) => {
  expect(checkWhen(when).filter((p) => p.severity === 'error')).toEqual([]);
  return compileWhen(when)(pr);
};

describe('when: every documented operator', () => {
  it.each<[string, Record<string, unknown>, boolean]>([
    ['literal equality', { 'data.repository.full_name': 'acme/api' }, true],
    ['$eq', { 'data.number': { $eq: 42 } }, true],
    ['$ne', { actor: { $ne: 'dependabot[bot]' } }, true],
    ['$in', { 'data.repository.full_name': { $in: ['acme/api', 'acme/web'] } }, true],
    ['$nin on an array path (any element)', { 'data.pull_request.labels.name': { $nin: ['dependencies'] } }, true],
    ['$nin fails when one label is listed', { 'data.pull_request.labels.name': { $nin: ['ci'] } }, false],
    ['$gt', { 'data.pull_request.additions': { $gt: 100 } }, true],
    ['$gte', { 'data.pull_request.additions': { $gte: 120 } }, true],
    ['$lt', { 'data.pull_request.additions': { $lt: 100 } }, false],
    ['$lte on an ISO time string', { time: { $lte: '2026-12-31T00:00:00Z' } }, true],
    ['$regex with $options', { 'data.pull_request.title': { $regex: '^wip', $options: 'i' } }, true],
    ['$exists true', { 'data.pull_request.merged_at': { $exists: true } }, true],
    ['$exists false on a missing path', { 'data.pull_request.closed_at': { $exists: false } }, true],
    ['$all', { 'data.repository.topics': { $all: ['api', 'go'] } }, true],
    ['$elemMatch', { 'data.pull_request.labels': { $elemMatch: { name: 'bug' } } }, true],
    ['$and', { $and: [{ 'data.number': 42 }, { actor: 'octocat' }] }, true],
    ['$or', { $or: [{ actor: 'someone' }, { 'data.number': { $gt: 40 } }] }, true],
    ['$nor', { $nor: [{ actor: 'dependabot[bot]' }, { 'data.pull_request.draft': true }] }, true],
    ['$not', { 'data.pull_request.title': { $not: { $regex: '^WIP' } } }, false],
    ['a missing path with $gt', { 'data.nothing.here': { $gt: 1 } }, false],
  ])('%s', (_name, when, expected) => {
    expect(matches(when)).toBe(expected);
  });
});

describe('when: checks', () => {
  it('reports unknown, misplaced and malformed operators with their path', () => {
    expect(
      checkWhen({
        'data.a': { $gtee: 1 },
        'data.b': { $in: 'x' },
        'data.c': { $regex: '(' },
        'data.d': { $or: [{ $gt: 1 }] },
        $gt: 5,
        'data.e': { $exists: 'yes' },
        'data.f': { $gt: 1, other: 2 },
        'data.g': { $not: 'x' },
      }).map((p) => `${p.severity} ${p.path.join('/')}: ${p.message.split(';')[0]}`),
    ).toEqual([
      'error data.a/$gtee: unknown operator $gtee (did you mean "$gte"?)',
      'error data.b/$in: $in expects a list, got the string "x"',
      'error data.c/$regex: invalid regular expression: missing closing ): `(`',
      'error data.d/$or: $or combines whole conditions: write it at the top of when ($or: [{ data.a: 1 }, { data.b: 2 }])',
      'error $gt: $gt applies to a field (e.g. data.amount: { $gt: … }), not to the whole event',
      'error data.e/$exists: $exists expects true or false, got the string "yes"',
      'error data.f: mixes operators with field names (other)',
      'error data.g/$not: $not expects an operator map such as { $regex: "^wip" } or { $in: [a, b] }, got the string "x"',
    ]);
  });

  it('warns about paths outside the event and nested operators that would compare literally', () => {
    expect(checkWhen({ 'pull_request.draft': false, data: { amount: { $gt: 5 } } }).map((p) => [p.severity, p.path.join('/')])).toEqual([
      ['warning', 'pull_request.draft'],
      ['warning', 'data'],
    ]);
  });
});

describe('when: clauses that load but can never hold', () => {
  it('warns, at the value, about an empty $in and a JavaScript-style /pattern/flags', () => {
    const text = `rules:
  - name: main-only
    on: github.push
    when:
      data.ref: { $regex: "/main$/i" }
      data.repository.name: { $in: [] }
      data.head_commit.message: { $regex: "/release/" }
    do: [{ notify: { channel: eng, text: hi } }]
`;
    const result = compileYaml(text);
    expect(result.ok).toBe(true);
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      'rules/test.yaml:5:27: warning: "/main$/i" matches the text /…/i itself, slashes included: write $regex: "main$", $options: "i"',
      'rules/test.yaml:6:36: warning: $in: [] holds for no value, so this rule never fires; list the values to accept (or drop the clause)',
    ]);
    // What the warning says is true: the pattern as written matches no ref.
    const push = event({ type: 'github.push', data: { ref: 'refs/heads/MAIN', repository: { name: 'api' } } });
    expect(result.ruleSet.rules[0]?.check(push).ok).toBe(false);
  });
});

describe('when: near-miss explanation', () => {
  it('names each failing top-level clause with the value the event had', () => {
    const explain = createWhenExplainer({
      'data.repository.full_name': { $in: ['acme/web'] },
      'data.pull_request.draft': false,
      'data.pull_request.labels.name': { $nin: ['bug'] },
      $or: [{ actor: 'x' }],
    });
    expect(explain(pr)).toEqual([
      { clause: 'data.repository.full_name', condition: { $in: ['acme/web'] }, actual: 'acme/api' },
      { clause: 'data.pull_request.labels.name', condition: { $nin: ['bug'] }, actual: ['bug', 'ci'] },
      { clause: '$or', condition: [{ actor: 'x' }] },
    ]);
  });
});

describe('$regex on the linear-time engine', () => {
  it('matches like a regex, with flags', () => {
    const test = compileWhen({ 'data.title': { $regex: '^fix', $options: 'i' } });
    expect(test(event({ type: 'github.push', data: { title: 'FIX: crash' } }))).toBe(true);
    expect(test(event({ type: 'github.push', data: { title: 'feat: x' } }))).toBe(false);
  });

  it('runs a pattern that backtracks exponentially on RegExp (ReDoS) without stalling', () => {
    // On V8's RegExp this takes minutes (2^40 paths); on RE2 it is one linear pass.
    const test = compileWhen({ 'data.title': { $regex: '^(a|a)*$' } });
    expect(test(event({ type: 'github.push', data: { title: `${'a'.repeat(40)}!` } }))).toBe(false);
    expect(test(event({ type: 'github.push', data: { title: 'a'.repeat(40) } }))).toBe(true);
  });
});
