import { isPair, isScalar, isSeq, visit, type Document, type Pair, type Scalar, type YAMLSeq } from 'yaml';

/** Operands that are patterns, never numbers: `$regex: ${PATTERN:-123}` stays the text 123. */
const TEXT_OPERANDS = new Set(['$regex', '$options']);
/** Where a value is compared for equality, and so may be met as text or as a number (ids, phone numbers). */
const EQUALITY = new Set(['$eq', '$ne', '$in', '$nin']);

/** A whole `${VAR}` in `when:`, where it sits: the operator it is an operand of (none: a field's value). */
export interface WhenReference {
  node: Scalar;
  parent: Pair | YAMLSeq;
  operator: string | undefined;
}

/**
 * The unquoted scalars of `when:` that are one whole `${VAR}` reference (by its mask), to type once
 * the values are in. Interpolation gives strings, and sift compares types strictly, so without this
 * `data.amount: { $gt: ${MIN_AMOUNT} }` compared a string with a number and matched no event at all.
 */
export function findWhenReferences(doc: Document.Parsed, masks: Iterable<string>): WhenReference[] {
  const wholeMasks = new Set(masks);
  const found: WhenReference[] = [];
  visit(doc, {
    Scalar(_key, node, path) {
      if (node.type !== 'PLAIN' || typeof node.value !== 'string' || !wholeMasks.has(node.value)) return;
      if (!path.some((p) => isPair(p) && isScalar(p.key) && p.key.value === 'when')) return;
      const parent = path[path.length - 1];
      const owner = isSeq(parent) ? path[path.length - 2] : parent;
      if (!(isPair(parent) || isSeq(parent)) || !isPair(owner) || !isScalar(owner.key)) return;
      const key = String(owner.key.value);
      if (TEXT_OPERANDS.has(key)) return;
      found.push({ node, parent, operator: key.startsWith('$') ? key : undefined });
    },
  });
  return found;
}

/**
 * Types each interpolated value that reads back exactly as a number or boolean (`1000`, `true`; not `007`,
 * `1e3` or a 20-digit id). Compared by order (`$gt`, …) it becomes that number. Compared for equality it
 * matches either form, since the same text is a string in one provider's payload (Discord ids, phone
 * numbers, Stripe metadata) and a number in another's: `data.id: ${ID}` becomes `{ $in: ["42", 42] }`.
 */
export function typeWhenReferences(doc: Document.Parsed, references: readonly WhenReference[]): void {
  for (const { node, parent, operator } of references) {
    const text = node.value;
    const typed = typeof text === 'string' ? exactValue(text) : undefined;
    if (typed === undefined) continue;
    if (operator === '$all') continue;
    if (operator !== undefined && !EQUALITY.has(operator)) {
      node.value = typed;
    } else if (isSeq(parent)) {
      // A field's literal list (`tags: [a, b]`) must equal the event's: only $in and $nin lists take both forms.
      if (operator !== undefined) parent.items.splice(parent.items.indexOf(node) + 1, 0, doc.createNode(typed));
    } else if (operator === undefined) {
      parent.value = doc.createNode({ $in: [text, typed] });
    } else {
      parent.key = doc.createNode(operator === '$ne' ? '$nin' : '$in');
      parent.value = doc.createNode([text, typed]);
    }
  }
}

function exactValue(text: string): number | boolean | undefined {
  if (text === 'true' || text === 'false') return text === 'true';
  const number = Number(text);
  return text.trim() !== '' && Number.isFinite(number) && String(number) === text ? number : undefined;
}
