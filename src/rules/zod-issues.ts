import type { z } from 'zod';
import { isSecretName } from '../operations/redact.ts';
import { didYouMean } from '../shared/closest-match.ts';
import type { Diagnostic } from './diagnostics.ts';
import type { YamlPath, YamlSource } from './yaml-source.ts';

/**
 * Turns zod issues into positioned diagnostics with wording for YAML authors:
 * "missing required key", "unknown key (did you mean …)", "expected a string, got a number".
 */
export function issuesToDiagnostics(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  base: YamlPath,
  source: YamlSource,
  options: { label: string; knownKeys?: readonly string[] },
): Diagnostic[] {
  const { label, knownKeys = [] } = options;
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    const path = [...base, ...(issue.path as (string | number)[])];
    const relative = issue.path as (string | number)[];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push(at(source, [...path, key], 'key', `${label}unknown key "${key}"${didYouMean(key, knownKeys)}`));
      }
      continue;
    }
    const value = valueAt(input, relative);
    const name = relative.length > 0 ? `"${relative.join('.')}"` : 'value';
    if (relative.length === 0 && !issue.message.startsWith('Invalid input')) {
      // A schema's own message (rule keys have hand-written ones) already names the key.
      out.push(at(source, path, 'value', `${label}${issue.message}`));
    } else if (issue.code === 'invalid_type' && value === undefined) {
      out.push(at(source, path.slice(0, -1), 'value', `${label}missing required key ${name}`));
    } else if (issue.code === 'invalid_type') {
      // Diagnostics reach the log and the reload meta-event: a secret's value is named by its type only.
      const got = isSecretName(String(relative.at(-1) ?? '')) ? describeType(value) : describe(value);
      out.push(at(source, path, 'value', `${label}${name} must be ${article(issue.expected)}, got ${got}`));
    } else {
      out.push(at(source, path, 'value', `${label}${name}: ${issue.message.replace(/^Invalid input: /, '')}`));
    }
  }
  return out;
}

function at(source: YamlSource, path: YamlPath, part: 'key' | 'value', message: string): Diagnostic {
  return { ...source.locate(path, part), severity: 'error', message };
}

/** The keys a zod object schema accepts, for "did you mean" suggestions. */
export function schemaKeys(schema: unknown): string[] {
  const shape = (schema as { shape?: unknown } | undefined)?.shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : [];
}

export function valueAt(input: unknown, path: YamlPath): unknown {
  let value = input;
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** "a string", "a map", "a list of …": how YAML authors name things. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the string "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- null, lists and maps are described above; what is left is a primitive
  return `${typeof value === 'number' ? 'the number' : typeof value} ${String(value)}`;
}

/** "a number", "a list": what `describe` says, without the value. */
function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a map' : `a ${typeof value}`;
}

function article(expected: string): string {
  const names: Record<string, string> = { object: 'a map', array: 'a list', record: 'a map', int: 'an integer' };
  return names[expected] ?? `a ${expected}`;
}
