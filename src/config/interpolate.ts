import { isScalar, visit } from 'yaml';
import { at, type LocatedDocument } from './yaml-location.ts';

const PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string scalar, in place.
 * Interpolating parsed scalars (not raw text) means a value can never break the YAML structure.
 * Returns one problem per unset variable; values are never echoed (they may be secrets).
 */
export function interpolateEnv(located: LocatedDocument, vars: Readonly<Record<string, string | undefined>>): string[] {
  const problems: string[] = [];
  visit(located.doc, {
    Scalar(_key, node) {
      if (!isScalar(node) || typeof node.value !== 'string' || !node.value.includes('${')) return;
      node.value = node.value.replace(PATTERN, (_m, name: string, fallback: string | undefined) => {
        const value = vars[name];
        if (value !== undefined && value !== '') return value;
        if (fallback !== undefined) return fallback;
        const where = node.range ? at(located, node.range[0]) : located.file;
        problems.push(`${where}: environment variable ${name} is not set (set it, or write \${${name}:-default})`);
        return '';
      });
    },
  });
  return problems;
}
