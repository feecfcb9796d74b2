import { isMap, isNode, isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { describeYamlError } from './yaml-error-hints.ts';

export interface LocatedDocument {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

/** Parses YAML keeping positions, so every later problem can be reported as file:line:col. */
export function parseLocated(file: string, text: string): { located: LocatedDocument; problems: string[] } {
  const lines = new LineCounter();
  // `<<: *anchor` merges as in rule files; toPlain bounds what aliases and merges expand to (alias bombs).
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true, uniqueKeys: true });
  const problems = [...doc.errors, ...doc.warnings].map((e) => {
    const { line, col } = lines.linePos(e.pos[0]);
    return `${file}:${line}:${col}: ${describeYamlError(e)}`;
  });
  const located = { file, doc, lines };
  return { located, problems: problems.length > 0 ? problems : unresolvedAliases(located) };
}

/** Each `*name` with no `&name` before it, where it is written (the parser reports it only when converting, with no place). */
function unresolvedAliases(located: LocatedDocument): string[] {
  const problems: string[] = [];
  visit(located.doc, {
    Alias(_key, alias) {
      if (alias.resolve(located.doc) !== undefined) return;
      const where = alias.range ? at(located, alias.range[0]) : `${located.file}:1:1`;
      problems.push(`${where}: *${alias.source} refers to no anchor: write &${alias.source} on a value above it, or fix the name`);
    },
  });
  return problems;
}

/** `file:line:col` of the node at `path`, or of its nearest existing ancestor. */
export function locate(located: LocatedDocument, path: ReadonlyArray<PropertyKey>): string {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = located.doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return at(located, node.range[0]);
    if (depth === 0 && located.doc.contents?.range) return at(located, located.doc.contents.range[0]);
  }
  return `${located.file}:1:1`;
}

/** `file:line:col` of the key `key` in the map at `path` (an unknown key is reported where it is written), else of the map. */
export function locateKey(located: LocatedDocument, path: ReadonlyArray<PropertyKey>, key: string): string {
  const map = path.length === 0 ? located.doc.contents : located.doc.getIn(path as unknown[], true);
  const pair = isMap(map) ? map.items.find((p) => isScalar(p.key) && String(p.key.value) === key) : undefined;
  const range = isNode(pair?.key) ? pair.key.range : undefined;
  return range ? at(located, range[0]) : locate(located, path);
}

export function at(located: LocatedDocument, offset: number): string {
  const { line, col } = located.lines.linePos(offset);
  return `${located.file}:${line}:${col}`;
}
