import { isPair, isScalar, parseDocument, visit, type Document, type Scalar } from 'yaml';

/** Operands that are patterns, never numbers: `$regex: ${PATTERN:-123}` stays the text 123. */
const TEXT_OPERANDS = new Set(['$regex', '$options']);

/**
 * The unquoted scalars of `when:` that are one whole `${VAR}` reference (by its mask), to type once
 * the values are in. Interpolation gives strings, and sift compares types strictly, so without this
 * `data.amount: { $gt: ${MIN_AMOUNT} }` compared a string with a number and matched no event at all.
 */
export function findWhenReferences(doc: Document.Parsed, masks: Iterable<string>): Scalar[] {
  const wholeMasks = new Set(masks);
  const found: Scalar[] = [];
  visit(doc, {
    Scalar(_key, node, path) {
      if (node.type !== 'PLAIN' || typeof node.value !== 'string' || !wholeMasks.has(node.value)) return;
      const parent = path[path.length - 1];
      if (isPair(parent) && isScalar(parent.key) && TEXT_OPERANDS.has(String(parent.key.value))) return;
      if (path.some((p) => isPair(p) && isScalar(p.key) && p.key.value === 'when')) found.push(node);
    },
  });
  return found;
}

/** Reads each interpolated value as YAML would read it written there: 1000 a number, true a boolean. */
export function typeWhenReferences(nodes: readonly Scalar[]): void {
  for (const node of nodes) {
    if (typeof node.value !== 'string') continue;
    const typed = parseDocument(node.value).contents;
    if (isScalar(typed) && (typeof typed.value === 'number' || typeof typed.value === 'boolean')) node.value = typed.value;
  }
}
