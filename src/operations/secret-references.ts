import { describeMissing, hasEnvReference, interpolateText } from '../config/interpolate.ts';
import { isSecretName } from './redact.ts';

type Vars = Readonly<Record<string, string | undefined>>;
export type ParamPath = readonly (string | number)[];

/** A secret-named param whose rule file wrote `${VAR}`: jobs store `reference`, the worker resolves it at send time. */
export interface SecretReference {
  path: ParamPath;
  reference: string;
}

/**
 * The secret-named string params (`token`, `secret`, `Authorization`, …) whose text in the rule file
 * is a `${VAR}` reference that gives exactly the loaded value. `rawTextAt` returns a value's source
 * text; anything else (a literal, a template, a block scalar) keeps its value.
 */
export function findSecretReferences(params: unknown, rawTextAt: (path: ParamPath) => string | undefined, vars: Vars): SecretReference[] {
  const found: SecretReference[] = [];
  const walk = (value: unknown, path: (string | number)[]): void => {
    if (Array.isArray(value)) return value.forEach((item, i) => walk(item, [...path, i]));
    if (value === null || typeof value !== 'object') return;
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'string' && isSecretName(key) && !item.includes('{{')) {
        const raw = unquote(rawTextAt([...path, key]) ?? '');
        const resolved = interpolateText(raw, vars);
        if (hasEnvReference(raw) && resolved.missing.length === 0 && resolved.value === item)
          found.push({ path: [...path, key], reference: raw });
      } else walk(item, [...path, key]);
    }
  };
  walk(params, []);
  return found;
}

/** A plain or simply quoted scalar's text; anything with escapes is returned as written (it will not match). */
function unquote(text: string): string {
  const quote = text[0];
  if ((quote === '"' || quote === "'") && text.length >= 2 && text.endsWith(quote) && !text.includes('\\')) return text.slice(1, -1);
  return text.trim();
}

/** `params` with each reference written back in place of its value (a copy along the changed paths). */
export function withSecretReferences(params: Record<string, unknown>, references: readonly SecretReference[]): Record<string, unknown> {
  let out: unknown = params;
  for (const { path, reference } of references) out = setAt(out, path, reference);
  return out as Record<string, unknown>;
}

function setAt(node: unknown, path: ParamPath, value: string): unknown {
  const [head, ...rest] = path;
  if (head === undefined || node === null || typeof node !== 'object') return node;
  const copy = (Array.isArray(node) ? [...(node as unknown[])] : Object.assign(Object.create(null) as object, node)) as Record<
    string | number,
    unknown
  >;
  if (!(head in copy)) return node;
  copy[head] = rest.length === 0 ? value : setAt(copy[head], rest, value);
  return copy;
}

/**
 * Job params with the reference at each of `paths` (and only there: a template's output is never
 * read as a reference) resolved from `vars` at send time, or the first unset variable.
 */
export function resolveSecretReferences(
  params: Record<string, unknown>,
  paths: readonly ParamPath[],
  vars: Vars,
): { params: Record<string, unknown> } | { error: string } {
  let out: unknown = params;
  for (const path of paths) {
    const text = valueAt(params, path);
    if (typeof text !== 'string') continue;
    const resolved = interpolateText(text, vars);
    const [missing] = resolved.missing;
    if (missing !== undefined) return { error: describeMissing(missing, vars) };
    out = setAt(out, path, resolved.value);
  }
  return { params: out as Record<string, unknown> };
}

function valueAt(node: unknown, path: ParamPath): unknown {
  let value = node;
  for (const key of path)
    value = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[key] : undefined;
  return value;
}
