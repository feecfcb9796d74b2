import { isScalar, visit, type Document } from 'yaml';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}\n]*))?\}/g;
const MASK_START = 0xe000;
const MASK_INDEX = 0xe100;

interface Reference {
  name: string;
  fallback: string | undefined;
}

export interface MaskedText {
  text: string;
  references: Map<string, Reference>;
}

/**
 * Replaces each `${VAR}` / `${VAR:-default}` with a same-length run of private-use characters before parsing.
 * `{` would otherwise open a flow mapping in `{ secret: ${X} }` or `[${A}, ${B}]`; keeping the length keeps
 * every line:col of later diagnostics exact.
 */
export function maskEnvReferences(text: string): MaskedText {
  const references = new Map<string, Reference>();
  const masked = text.replace(REFERENCE, (match, name: string, fallback: string | undefined) => {
    const mask = String.fromCharCode(MASK_START, MASK_INDEX + references.size) + String.fromCharCode(MASK_START).repeat(match.length - 2);
    references.set(mask, { name, fallback });
    return mask;
  });
  return { text: masked, references };
}

/** A `${VAR}` without a default whose variable is unset or empty, at a source offset. */
export interface MissingVariable {
  name: string;
  offset: number;
}

/**
 * Puts environment values where the masks are, in every string scalar of `doc`, in place.
 * Returns the unset variables; values are never echoed (they may be secrets).
 */
export function interpolateEnv(
  doc: Document.Parsed,
  references: ReadonlyMap<string, Reference>,
  vars: Readonly<Record<string, string | undefined>>,
  /** Filled with each `${VAR:-default}` that fell back to its default: the value → VAR. */
  defaulted?: Map<string, string>,
): MissingVariable[] {
  if (references.size === 0) return [];
  const missing: MissingVariable[] = [];
  visit(doc, {
    Scalar(_key, node) {
      if (!isScalar(node) || typeof node.value !== 'string' || !node.value.includes(String.fromCharCode(MASK_START))) return;
      let value = node.value;
      for (const [mask, ref] of references) {
        if (!value.includes(mask)) continue;
        const resolved = resolve(ref, vars, () => missing.push({ name: ref.name, offset: node.range?.[0] ?? 0 }));
        if (defaulted && ref.fallback !== undefined && resolved === ref.fallback && !vars[ref.name]) defaulted.set(ref.fallback, ref.name);
        value = value.split(mask).join(resolved);
      }
      node.value = value;
    },
  });
  return missing;
}

/** `${VAR}` and `${VAR:-default}` in one string, with the same rules as the files; `missing` lists unset variables. */
export function interpolateText(text: string, vars: Readonly<Record<string, string | undefined>>): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = text.replace(REFERENCE, (_match, name: string, fallback: string | undefined) =>
    resolve({ name, fallback }, vars, () => missing.push(name)),
  );
  return { value, missing };
}

/** The values of the set variables that `references` name: what a file took from the environment. */
export function environmentValues(
  references: ReadonlyMap<string, Reference>,
  vars: Readonly<Record<string, string | undefined>>,
): string[] {
  const values = new Set<string>();
  for (const { name } of references.values()) {
    const value = vars[name];
    if (value !== undefined && value !== '') values.add(value);
  }
  return [...values];
}

/** Whether `text` holds a `${VAR}` reference. */
export function hasEnvReference(text: string): boolean {
  return new RegExp(REFERENCE.source).test(text);
}

/** Why `${name}` has no value. "" is said as such: docker-compose passes `X: ${X}` that way when X is unset where it runs. */
export function describeMissing(name: string, vars: Readonly<Record<string, string | undefined>>): string {
  if (vars[name] === '')
    return `environment variable ${name} is set but empty (give it a value, or write \${${name}:-default}, which an empty value also falls back from)`;
  return `environment variable ${name} is not set (set it, or write \${${name}:-default})`;
}

function resolve(ref: Reference, vars: Readonly<Record<string, string | undefined>>, missing: () => void): string {
  const value = vars[ref.name];
  if (value !== undefined && value !== '') return value;
  if (ref.fallback !== undefined) return ref.fallback;
  missing();
  return '';
}
