import { CST, Lexer } from 'yaml';
import { environmentValues, maskEnvReferences } from '../config/interpolate.ts';
import type { Diagnostic } from './diagnostics.ts';
import { loadRuleSources } from './load-rule-set.ts';

export interface RuleEnvValues {
  /** What the files take from the environment: the values their rules hold as Rule.envValues. */
  values: string[];
  /** Variables the files name, without a default, that the environment does not set: their values are unknown. */
  unset: string[];
  /** Files or folders that could not be read. */
  diagnostics: Diagnostic[];
}

/**
 * What the rule files under `paths` take from `vars`, from their text alone: nothing is parsed or
 * compiled, so a file with errors, or one whose rules need a variable that is unset, gives the rest.
 * For a reader that masks what the hub masks (environmentValuesOf) without loading the rules.
 */
export async function loadRuleEnvValues(
  paths: string | readonly string[],
  vars: Readonly<Record<string, string | undefined>>,
): Promise<RuleEnvValues> {
  const read = await loadRuleSources(paths);
  const values = new Set<string>();
  const unset = new Set<string>();
  for (const source of read.sources) {
    const { references } = maskEnvReferences(withoutComments(source.text));
    for (const value of environmentValues(references, vars)) values.add(value);
    for (const { name, fallback } of references.values()) if (!vars[name] && fallback === undefined) unset.add(name);
  }
  return { values: [...values], unset: [...unset].sort(), diagnostics: read.diagnostics };
}

/** The lexer's markers, which are not source text: https://eemeli.org/yaml/#lexer */
const CONTROL = new Set([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR, CST.BOM]);

/**
 * The text without its YAML comments: a `${VAR}` in a comment is no reference (the example rules explain
 * `${VAR}` in theirs). Lexed, not parsed, so a broken file still gives its references. A token starting
 * with `#` is a comment unless the lexer marked it as a scalar (a block scalar's line, `a#b`).
 */
function withoutComments(text: string): string {
  let kept = '';
  let previous = '';
  for (const token of new Lexer().lex(text)) {
    if (!CONTROL.has(token) && !(token.startsWith('#') && previous !== CST.SCALAR)) kept += token;
    previous = token;
  }
  return kept;
}
