import { literalPrefix, matchTypeGlob } from '../events/type-glob.ts';
import type { Rule } from './rule.ts';

/** Finds the rules whose `on:` could match a type, without looking at the others. */
export interface RuleIndex {
  /** Rules with a glob matching `type`, in file order, each once. */
  candidates(type: string): Rule[];
}

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Globs whose literal prefix ends at this node; checked with matchTypeGlob. */
  globs: { glob: string; rule: Rule }[];
}

/**
 * Exact types go in a Map; globs go in a trie keyed by their literal prefix
 * (`github.pull_request.*` under github → pull_request). Matching a type costs one Map lookup,
 * one trie walk as deep as the type, and a glob test per rule that shares its prefix: in
 * proportion to the rules that could match, not to the size of the rule set.
 */
export function createRuleIndex(rules: readonly Rule[]): RuleIndex {
  const order = new Map<Rule, number>(rules.map((rule, i) => [rule, i]));
  const exact = new Map<string, Rule[]>();
  const root: TrieNode = { children: new Map(), globs: [] };
  for (const rule of rules) {
    for (const glob of new Set(rule.on)) {
      if (!glob.includes('*')) {
        const list = exact.get(glob) ?? [];
        list.push(rule);
        exact.set(glob, list);
        continue;
      }
      let node = root;
      for (const segment of literalPrefix(glob)) {
        let next = node.children.get(segment);
        if (!next) {
          next = { children: new Map(), globs: [] };
          node.children.set(segment, next);
        }
        node = next;
      }
      node.globs.push({ glob, rule });
    }
  }
  return {
    candidates(type) {
      const found: Rule[] = [...(exact.get(type) ?? [])];
      const exactCount = found.length;
      let node: TrieNode | undefined = root;
      const segments = type.split('.');
      for (let depth = 0; node; depth++) {
        for (const { glob, rule } of node.globs) if (matchTypeGlob(glob, type)) found.push(rule);
        const segment = segments[depth];
        node = segment === undefined ? undefined : node.children.get(segment);
      }
      if (found.length === exactCount) return found;
      // Several sources contributed: restore file order and drop rules matched by two globs.
      return [...new Set(found)].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    },
  };
}
