import type { Helper } from '../shared/sandboxed-handlebars.ts';
import type { Ast, AstNode } from './template-checks.ts';
import { toText } from './template-helpers.ts';

/** The internal helper a URL template's insertions are wrapped in; not for rule files. */
export const URL_PART_HELPER = 'urlPart';

type UrlPlace = 'path' | 'query';
type Loc = { start: { line: number; column: number } };
type Node = AstNode & { loc?: Loc; hash?: unknown; escaped?: boolean; strip?: unknown };

/**
 * `{{x}}` in the path of a destination URL: percent-encoded, `/` kept (`repos/{{data.repository.full_name}}`),
 * and a `.` or `..` segment refused, since URL parsing would resolve it into another endpoint.
 * In the query or fragment: fully percent-encoded, so `&`, `=` and `#` in event data cannot add parameters.
 */
export const urlPart: Helper = ([value], { hash }) => {
  const text = toText(value);
  if (hash.in === 'query') return encodeURIComponent(text);
  if (text.split('/').some((segment) => segment === '.' || segment === '..'))
    throw new Error(`a value rendered into the URL path is a "${text}" segment, which would lead to another path`);
  return encodeURIComponent(text).replace(/%2F/g, '/');
};

/**
 * Wraps each insertion after the URL's host in urlPart, which encodes for the place it lands in. What comes
 * before (a whole URL or a host from a template) is left as it is: the SSRF guard checks it at delivery.
 */
export function encodeUrlInsertions(ast: Ast, source: string): void {
  const offsets = lineOffsets(source);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const n = node as Node;
    if (n.type === 'MustacheStatement') {
      const at = n.loc ? (offsets[n.loc.start.line - 1] ?? 0) + n.loc.start.column : 0;
      const place = urlPlace(source.slice(0, at));
      if (place && n.path?.original !== 'urlEncode') wrap(n, place);
      return;
    }
    for (const [key, child] of Object.entries(n)) if (key !== 'loc') visit(child);
  };
  visit(ast);
}

/** Where text inserted after `prefix` lands: undefined while still in the scheme or host. */
function urlPlace(prefix: string): UrlPlace | undefined {
  const text = prefix.replace(/\{\{[^}]*\}\}/g, '');
  if (/[?#]/.test(text)) return 'query';
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i;
  // After a whole URL from the event (`{{data.callback}}&id={{id}}`), `&` or `=` can only be in its query.
  if (!scheme.test(text) && /^\{\{/.test(prefix) && /[&=]/.test(text)) return 'query';
  const afterScheme = text.replace(scheme, '');
  return afterScheme.includes('/') ? 'path' : undefined;
}

function wrap(n: Node, place: UrlPlace): void {
  const loc = n.loc;
  const call =
    (n.params?.length ?? 0) > 0 || n.hash ? { type: 'SubExpression', path: n.path, params: n.params, hash: n.hash, loc } : n.path;
  const literal = { type: 'StringLiteral', value: place, original: place, loc };
  n.path = { type: 'PathExpression', original: URL_PART_HELPER, parts: [URL_PART_HELPER], data: false, depth: 0, loc } as Node['path'];
  n.params = [call as AstNode];
  n.hash = { type: 'Hash', pairs: [{ type: 'HashPair', key: 'in', value: literal, loc }], loc } as unknown as Node['hash'];
}

function lineOffsets(source: string): number[] {
  const offsets = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') offsets.push(i + 1);
  return offsets;
}
