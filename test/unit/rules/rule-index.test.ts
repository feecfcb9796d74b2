import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchTypeGlob } from '../../../src/events/type-glob.ts';
import { createRuleIndex } from '../../../src/rules/rule-index.ts';
import type { Rule } from '../../../src/rules/rule.ts';

const segment = fc.constantFrom('github', 'stripe', 'pull_request', 'push', 'opened', 'closed', 'a');
const globSegment = fc.oneof(segment, fc.constant('*'));
const glob = fc
  .tuple(fc.array(globSegment, { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([segs, rest]) => (rest ? [...segs, '**'] : segs).join('.'));
const type = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join('.'));

function rule(name: string, on: string[]): Rule {
  return { name, on, enabled: true, where: { file: 'f', line: 1, col: 1 }, actions: [], check: () => ({ ok: true }), explain: () => [] };
}

describe('rule index', () => {
  it('returns exactly the rules a linear scan finds, in file order, each once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(glob, { minLength: 1, maxLength: 3 }), { maxLength: 30 }),
        fc.array(type, { minLength: 1, maxLength: 20 }),
        (ons, types) => {
          const rules = ons.map((on, i) => rule(`r${i}`, on));
          const index = createRuleIndex(rules);
          for (const t of types) {
            const linear = rules.filter((r) => r.on.some((g) => matchTypeGlob(g, t)));
            expect(index.candidates(t).map((r) => r.name)).toEqual(linear.map((r) => r.name));
          }
        },
      ),
    );
  });

  it("looks only at rules that share the type's prefix", () => {
    const rules = [
      rule('exact', ['github.push']),
      rule('glob', ['github.pull_request.*']),
      rule('all', ['**']),
      rule('other', ['stripe.**']),
    ];
    const index = createRuleIndex(rules);
    expect(index.candidates('github.pull_request.opened').map((r) => r.name)).toEqual(['glob', 'all']);
    expect(index.candidates('github.push').map((r) => r.name)).toEqual(['exact', 'all']);
    expect(index.candidates('gitlab.push').map((r) => r.name)).toEqual(['all']);
  });
});
