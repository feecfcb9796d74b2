import type { RenderContext } from './rule.ts';
import type { Template, TemplateEngine, TemplateProblem } from './template-engine.ts';

/** Params with every string leaf compiled: rendering rebuilds the structure, so JSON stays JSON. */
export type ParamNode =
  | { kind: 'literal'; value: unknown }
  | { kind: 'template'; template: Template }
  | { kind: 'list'; items: ParamNode[] }
  | { kind: 'map'; entries: [string, ParamNode][] };

export type ParamPath = (string | number)[];

/** Top-level params left as written (`raw`) and those that are destination URLs (`url`, encoded as such). */
export interface ParamKeys {
  raw: readonly string[];
  url?: readonly string[];
}

/**
 * Compiles every string leaf of `params` (deeply) as a template, except top-level keys in `keys.raw`.
 * Problems are reported with their path so the caller can point at the YAML value.
 */
export function compileParams(
  params: Readonly<Record<string, unknown>>,
  keys: ParamKeys,
  engine: TemplateEngine,
  report: (path: ParamPath, problem: TemplateProblem, source: string, severity: 'error' | 'warning') => void,
): ParamNode {
  const compile = (value: unknown, path: ParamPath): ParamNode => {
    if (typeof value === 'string') {
      const url = path.length === 1 && keys.url?.includes(String(path[0])) === true;
      const result = engine.compile(value, { url });
      if (result.ok) {
        for (const warning of result.warnings) report(path, warning, value, 'warning');
        return { kind: 'template', template: result.template };
      }
      for (const problem of result.problems) report(path, problem, value, 'error');
      return { kind: 'literal', value };
    }
    if (Array.isArray(value)) return { kind: 'list', items: value.map((v, i) => compile(v, [...path, i])) };
    if (value !== null && typeof value === 'object') {
      return { kind: 'map', entries: Object.entries(value).map(([k, v]) => [k, compile(v, [...path, k])]) };
    }
    return { kind: 'literal', value };
  };
  const entries = Object.entries(params).map(([key, value]): [string, ParamNode] => [
    key,
    keys.raw.includes(key) ? { kind: 'literal', value } : compile(value, [key]),
  ]);
  return { kind: 'map', entries };
}

/** Renders compiled params against an event: strings from templates, everything else as written. */
export function renderParams(node: ParamNode, event: unknown, extra: RenderContext): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'template':
      return node.template.render(event, extra);
    case 'list':
      return node.items.map((item) => renderParams(item, event, extra));
    case 'map': {
      // A null-prototype object: a key named __proto__ in the params stays an ordinary key.
      const out = Object.create(null) as Record<string, unknown>;
      for (const [key, child] of node.entries) out[key] = renderParams(child, event, extra);
      return out;
    }
  }
}
