import { isMap, isScalar } from 'yaml';
import { schemaKeysAt, type DiscriminatorAt } from './schema-keys-at.ts';
import type { LocatedDocument } from './yaml-location.ts';

/**
 * `delivery:` followed by `allowlist: […]` at the same column is valid YAML for an empty `delivery` and a
 * stray top-level `allowlist`: the commonest slip when a README snippet is pasted. These name it.
 */

/**
 * The key of the map at `at` that was written with nothing under it and whose schema takes `key`. `at.doc`
 * is the map's path in the file, `at.schema` its path in `schema` (they differ for a connector or channel).
 */
export function emptySectionTaking(
  located: LocatedDocument,
  schema: unknown,
  at: { doc: ReadonlyArray<PropertyKey>; schema: ReadonlyArray<PropertyKey> },
  key: string,
  discriminatorAt: DiscriminatorAt,
): string | undefined {
  const map = at.doc.length === 0 ? located.doc.contents : located.doc.getIn(at.doc as unknown[], true);
  if (!isMap(map)) return undefined;
  for (const pair of map.items) {
    if (!isScalar(pair.key) || !isEmpty(pair.value)) continue;
    const section = String(pair.key.value);
    if (schemaKeysAt(schema, [...at.schema, section], discriminatorAt).includes(key)) return section;
  }
  return undefined;
}

/** Whether the node at `path` was written with nothing after its colon. */
export function isEmptyAt(located: LocatedDocument, path: ReadonlyArray<PropertyKey>): boolean {
  return path.length > 0 && isEmpty(located.doc.getIn(path as unknown[], true));
}

function isEmpty(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null && node.source === '');
}

export function strayKeyHint(key: string, section: string): string {
  return `unknown key "${key}" here: it belongs under "${section}:", which has nothing under it; indent "${key}" two spaces deeper than "${section}"`;
}

export function emptySectionHint(section: string): string {
  return `"${section}:" has nothing under it: indent its keys two spaces deeper than "${section}" (or remove the line)`;
}
