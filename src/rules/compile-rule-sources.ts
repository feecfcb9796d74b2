import { checkCutText } from './check-cut-text.ts';
import { didYouMean } from '../shared/closest-match.ts';
import { formatPos, hasErrors, sortDiagnostics, type Diagnostic, type SourcePos } from './diagnostics.ts';
import { compileRule } from './compile-rule.ts';
import type { LoadResult, Rule, RulesContext } from './rule.ts';
import { RULE_FILE_KEYS } from './rule-schema.ts';
import { createRuleSet } from './rule-set.ts';
import { createTemplateEngine } from './template-engine.ts';
import { EVENT_ATTRIBUTES, isPlainObject } from './when-check.ts';
import { parseYamlSource, type YamlSource } from './yaml-source.ts';
import { describe } from './zod-issues.ts';

export interface RuleSource {
  file: string;
  text: string;
}

/**
 * Parses, validates and compiles rule files (pure: no I/O). Collects every problem in every
 * file; the rule set holds only the rules without errors, and `ok` says whether there were none.
 */
export function compileRuleSources(sources: readonly RuleSource[], context: RulesContext): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const engine = createTemplateEngine({ rootFields: EVENT_ATTRIBUTES });
  const rules: Rule[] = [];
  const names = new Map<string, SourcePos>();
  for (const { file, text } of sources) {
    const parsed = parseYamlSource(file, text, context.vars);
    diagnostics.push(...parsed.diagnostics);
    const list = ruleList(parsed.value, parsed.source, parsed.diagnostics.length > 0, diagnostics);
    list.forEach((raw, i) => {
      const path = ['rules', i];
      checkUniqueName(raw, path, parsed.source, names, diagnostics);
      checkCutText(path, parsed.source, diagnostics);
      const rule = compileRule({ raw, path, source: parsed.source, context, engine }, diagnostics);
      if (rule) rules.push(parsed.envValues.length > 0 ? { ...rule, envValues: parsed.envValues } : rule);
    });
  }
  const sorted = sortDiagnostics(diagnostics);
  return {
    ruleSet: createRuleSet(
      rules,
      sources.map((s) => s.file),
    ),
    diagnostics: sorted,
    ok: !hasErrors(sorted),
  };
}

/** The `rules:` list of a file, after checking the file's own shape. */
function ruleList(value: unknown, source: YamlSource, hadYamlProblems: boolean, out: Diagnostic[]): unknown[] {
  const at = (path: (string | number)[], message: string, severity: Diagnostic['severity'] = 'error', part: 'key' | 'value' = 'value') =>
    out.push({ ...source.locate(path, part), severity, message });
  if (value === undefined && hadYamlProblems) return [];
  if (value === null || value === undefined) {
    at([], 'this file has no rules (expected "rules:" with a list)', 'warning');
    return [];
  }
  if (!isPlainObject(value)) {
    at([], `a rules file is a map with a "rules:" list, got ${describe(value)}`);
    return [];
  }
  for (const key of Object.keys(value)) {
    if (RULE_FILE_KEYS.includes(key) || key.startsWith('x-')) continue;
    at(
      [key],
      `unknown top-level key "${key}"${didYouMean(key, RULE_FILE_KEYS)}; a rules file holds "rules:" (and x-* keys for YAML anchors)`,
      'error',
      'key',
    );
  }
  const rules = value.rules;
  if (rules === undefined || rules === null) {
    at([], 'this file has no rules (expected "rules:" with a list)', 'warning');
    return [];
  }
  if (!Array.isArray(rules)) {
    at(['rules'], `rules must be a list of rules, got ${describe(rules)}`);
    return [];
  }
  return rules;
}

function checkUniqueName(raw: unknown, path: (string | number)[], source: YamlSource, names: Map<string, SourcePos>, out: Diagnostic[]) {
  if (!isPlainObject(raw) || typeof raw.name !== 'string') return;
  const where = source.locate([...path, 'name']);
  const first = names.get(raw.name);
  if (first) {
    out.push({
      ...where,
      severity: 'error',
      message: `duplicate rule name "${raw.name}": already defined at ${formatPos(first)} (names are unique across all rule files)`,
    });
  } else {
    names.set(raw.name, where);
  }
}
