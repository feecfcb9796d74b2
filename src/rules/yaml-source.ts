import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Document } from 'yaml';
import { describeMissing, environmentValues, interpolateEnv, maskEnvReferences } from '../config/interpolate.ts';
import { describeYamlError } from '../config/yaml-error-hints.ts';
import type { Diagnostic, SourcePos } from './diagnostics.ts';
import { findWhenReferences, typeWhenReferences } from './when-env-types.ts';

/**
 * How many alias expansions one file may make before it counts as an alias bomb
 * ("billion laughs"): the `yaml` library then throws instead of expanding.
 * https://eemeli.org/yaml/#tojs-options
 */
export const MAX_ALIAS_COUNT = 10_000;
/**
 * Alias nodes in one file, counted before anything is expanded: resolving aliases costs time that
 * grows with their number times the document's size, so 40,000 of them in 200 KB took 13 s.
 */
export const MAX_ALIASES = 1_000;

export type YamlPath = readonly (string | number)[];

/** A parsed YAML file that can answer "where is this path?" for diagnostics. */
export interface YamlSource {
  readonly file: string;
  readonly text: string;
  /** Position of a value (or of its key, with part = 'key'); falls back to the nearest ancestor. */
  locate(path: YamlPath, part?: 'key' | 'value'): SourcePos;
  /** The source range of the value at `path`, when it is a node of its own. */
  rangeOf(path: YamlPath): readonly [number, number] | undefined;
  posAt(offset: number): SourcePos;
}

export interface ParsedYaml {
  source: YamlSource;
  /** The plain JS value, or undefined when the file could not be parsed. */
  value: unknown;
  diagnostics: Diagnostic[];
  /** The values its `${VAR}`s took from the environment (never shown to viewers: see Rule.envValues). */
  envValues: string[];
}

/**
 * Parses one YAML file, collecting every syntax problem with its position. `${VAR}` and
 * `${VAR:-default}` are read from `vars`, exactly as in hookhub.yaml, so tokens stay out of rule files.
 */
export function parseYamlSource(file: string, text: string, vars: Readonly<Record<string, string | undefined>> = {}): ParsedYaml {
  const lineCounter = new LineCounter();
  const masked = maskEnvReferences(text);
  const doc = parseDocument(masked.text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  const source = createYamlSource(file, text, doc, lineCounter);
  const diagnostics: Diagnostic[] = [];
  const envValues = environmentValues(masked.references, vars);
  for (const e of doc.errors) diagnostics.push(yamlProblem(source, e.pos[0], describeYamlError(e), 'error'));
  for (const w of doc.warnings) diagnostics.push(yamlProblem(source, w.pos[0], describeYamlError(w), 'warning'));
  if (doc.errors.length > 0) return { source, value: undefined, diagnostics, envValues };
  const aliases = countAliases(doc);
  if (aliases > MAX_ALIASES) {
    diagnostics.push({
      ...source.posAt(0),
      severity: 'error',
      message: `${aliases} aliases (*name): at most ${MAX_ALIASES} per file, refusing a possible alias bomb`,
    });
    return { source, value: undefined, diagnostics, envValues };
  }
  const whenReferences = findWhenReferences(doc, masked.references.keys());
  for (const miss of interpolateEnv(doc, masked.references, vars)) {
    diagnostics.push({ ...source.posAt(miss.offset), severity: 'error', message: describeMissing(miss.name, vars) });
  }
  typeWhenReferences(doc, whenReferences);
  try {
    return { source, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), diagnostics, envValues };
  } catch (error) {
    const message =
      error instanceof ReferenceError
        ? `too many alias expansions (over ${MAX_ALIAS_COUNT}): refusing a possible alias bomb`
        : `cannot read this YAML: ${(error as Error).message}`;
    diagnostics.push({ ...source.posAt(0), severity: 'error', message });
    return { source, value: undefined, diagnostics, envValues };
  }
}

function countAliases(doc: Document.Parsed): number {
  let count = 0;
  visit(doc, {
    Alias() {
      count += 1;
    },
  });
  return count;
}

function yamlProblem(source: YamlSource, offset: number, message: string, severity: Diagnostic['severity']): Diagnostic {
  return { ...source.posAt(offset), severity, message: `YAML: ${message}` };
}

function createYamlSource(file: string, text: string, doc: Document.Parsed, lineCounter: LineCounter): YamlSource {
  const posAt = (offset: number): SourcePos => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const walk = (path: YamlPath) => {
    let node: unknown = doc.contents;
    let range = rangeOfNode(node) ?? ([0, 0] as const);
    let keyRange: readonly [number, number] | undefined;
    let complete = true;
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(doc);
      const next = child(node, segment);
      if (!next) {
        complete = false;
        break;
      }
      node = next.value;
      keyRange = next.keyRange;
      range = rangeOfNode(node) ?? keyRange ?? range;
    }
    return { range, keyRange, complete, node };
  };
  return {
    file,
    text,
    posAt,
    locate(path, part = 'value') {
      const { range, keyRange } = walk(path);
      return posAt(part === 'key' && keyRange ? keyRange[0] : range[0]);
    },
    rangeOf(path) {
      const found = walk(path);
      return found.complete && rangeOfNode(found.node) ? found.range : undefined;
    },
  };
}

function child(node: unknown, segment: string | number) {
  if (isMap(node)) {
    const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(segment));
    if (!pair) return undefined;
    return { value: pair.value, keyRange: rangeOfNode(pair.key) };
  }
  if (isSeq(node) && typeof segment === 'number') {
    return { value: node.items[segment], keyRange: undefined };
  }
  return undefined;
}

function rangeOfNode(node: unknown): readonly [number, number] | undefined {
  const range = (node as { range?: readonly [number, number, number] } | null | undefined)?.range;
  return range ? [range[0], range[1]] : undefined;
}
