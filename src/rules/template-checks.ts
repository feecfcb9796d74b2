import type Handlebars from 'handlebars';
import { didYouMean } from '../shared/closest-match.ts';
import { DATE_FORMATS, isMinorDigits, isValidLocale, isValidTimeZone } from './template-format-helpers.ts';
import type { TemplateProblem } from './template-engine.ts';

export type Ast = ReturnType<typeof Handlebars.parse>;

export type AstNode = {
  type: string;
  loc?: { start: { line: number; column: number } };
  path?: { type: string; original: string; parts?: string[]; data?: boolean; depth?: number };
  params?: AstNode[];
  hash?: { pairs: { key: string; value: AstNode & { value?: unknown } }[] };
  value?: unknown;
};

/** Load-time checks Handlebars would only hit at render: unknown helpers, partials, bad date options. */
export function checkAst(ast: Ast, known: ReadonlySet<string>): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const n = node as AstNode;
    const at = (message: string) => problems.push({ message, line: n.loc?.start.line ?? 1, column: n.loc?.start.column ?? 0 });
    if (n.type === 'PartialStatement' || n.type === 'PartialBlockStatement')
      at('partials ({{> name}}) are not available in rule templates');
    else if (n.type === 'Decorator' || n.type === 'DecoratorBlock') at('decorators are not available in rule templates');
    else if (isHelperCall(n)) checkHelperCall(n, known, at);
    for (const [key, child] of Object.entries(n)) if (key !== 'loc' && key !== 'strip') visit(child);
  };
  visit(ast);
  return problems;
}

function isHelperCall(n: AstNode): boolean {
  if (n.type === 'SubExpression') return true;
  return (n.type === 'MustacheStatement' || n.type === 'BlockStatement') && ((n.params?.length ?? 0) > 0 || n.hash !== undefined);
}

function checkHelperCall(n: AstNode, known: ReadonlySet<string>, at: (message: string) => void) {
  const name = n.path?.original ?? '';
  if (n.path?.type !== 'PathExpression' || !known.has(name)) {
    at(`unknown helper "${name}"${didYouMean(name, known)}; available: ${[...known].join(', ')}`);
    return;
  }
  if (name === 'date') checkDateCall(n, at);
  if (name === 'date' || name === 'money') checkLiteralOptions(n, at);
}

function checkDateCall(n: AstNode, at: (message: string) => void) {
  const format = n.params?.[1];
  if (format?.type === 'StringLiteral' && !(DATE_FORMATS as readonly unknown[]).includes(format.value)) {
    at(`date format "${String(format.value)}" is not one of ${DATE_FORMATS.join(', ')}`);
  }
  const tz = n.hash?.pairs.find((p) => p.key === 'tz')?.value;
  if (tz?.type === 'StringLiteral' && !isValidTimeZone(String(tz.value)))
    at(`unknown time zone "${String(tz.value)}" (use an IANA name such as Europe/Berlin)`);
}

/** The locale and digits written in the template: Intl would refuse them at every render. */
function checkLiteralOptions(n: AstNode, at: (message: string) => void) {
  const option = (key: string) => n.hash?.pairs.find((p) => p.key === key)?.value;
  const locale = option('locale');
  if (locale?.type === 'StringLiteral' && !isValidLocale(String(locale.value)))
    at(`unknown locale "${String(locale.value)}" (use a BCP 47 tag such as en-GB or de-DE, with a hyphen)`);
  const digits = option('digits');
  if (digits?.type === 'NumberLiteral' && !isMinorDigits(digits.value))
    at(`digits must be a whole number from 0 to 20, got ${String(digits.value)}`);
}

/**
 * Paths read at the top context must start with a root field. Inside `each`/`with` (and
 * mustache sections) the context changes, so those bodies are not checked; `if`/`unless` keep it.
 */
export function checkRootPaths(ast: Ast, roots: ReadonlySet<string>, helpers: ReadonlySet<string>): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const checkExpr = (n: AstNode | undefined) => {
    if (n?.type === 'SubExpression') return checkCall(n);
    const p: (AstNode & { original?: string; parts?: string[]; data?: boolean; depth?: number }) | undefined = n;
    if (p?.type !== 'PathExpression' || p.data || p.depth || !p.parts?.length) return;
    const first = p.parts[0] ?? '';
    if (roots.has(first) || helpers.has(first)) return;
    problems.push({
      message: `"${p.original}" reads nothing: templates render against the event (${[...roots].join(', ')}); did you mean data.${p.original}?`,
      line: p.loc?.start.line ?? 1,
      column: p.loc?.start.column ?? 0,
    });
  };
  const checkCall = (n: AstNode) => {
    if (!isHelperCall(n)) checkExpr(n.path);
    for (const param of n.params ?? []) checkExpr(param);
    for (const pair of n.hash?.pairs ?? []) checkExpr(pair.value);
  };
  const walk = (body: AstNode[] | undefined) => {
    for (const n of body ?? []) {
      if (n.type === 'MustacheStatement') checkCall(n);
      if (n.type !== 'BlockStatement') continue;
      checkCall(n);
      const name = n.path?.original;
      const block = n as AstNode & { program?: { body: AstNode[] }; inverse?: { body: AstNode[] } };
      if (name === 'if' || name === 'unless') walk(block.program?.body);
      walk(block.inverse?.body);
    }
  };
  walk(ast.body);
  return problems;
}
