import type { RenderContext } from './rule.ts';
import { FORMAT_HELPERS } from './template-format-helpers.ts';
import { checkAst, checkRootPaths, type Ast, type AstNode } from './template-checks.ts';
import { createSandboxedHandlebars, type Helper } from '../shared/sandboxed-handlebars.ts';
import { TEXT_HELPERS } from './template-helpers.ts';
import { encodeUrlInsertions, URL_PART_HELPER, urlPart } from './template-url.ts';

/** A compiled template. `render` returns a string, or the raw value for a whole-value `{{value x}}`. */
export interface Template {
  readonly source: string;
  render(context: unknown, extra: RenderContext): unknown;
}

/** A problem inside a template: `line` is 1-based, `column` 0-based, both within the template text. */
export interface TemplateProblem {
  message: string;
  line: number;
  column: number;
}

export type CompileResult = { ok: true; template: Template; warnings: TemplateProblem[] } | { ok: false; problems: TemplateProblem[] };

export interface TemplateEngineOptions {
  /**
   * The fields templates render against (the event's attributes). When given, a path at the top
   * context that starts elsewhere (`{{pull_request.title}}` for `{{data.pull_request.title}}`) is a warning.
   */
  rootFields?: readonly string[];
}

export interface CompileOptions {
  /** The template is a destination URL: what it inserts after the host is percent-encoded (see template-url.ts). */
  url?: boolean;
}

export interface TemplateEngine {
  compile(source: string, options?: CompileOptions): CompileResult;
  readonly helpers: readonly string[];
}

const BUILTIN_HELPERS = ['if', 'unless', 'each', 'with', 'lookup'];

/**
 * A sandboxed Handlebars instance: its own helper registry, no partials, no `log`, and the
 * 4.6+ default that denies prototype properties and methods (never relaxed here), so a template
 * cannot reach `constructor` or run code. Output is not HTML, hence `noEscape`.
 */
export function createTemplateEngine(engineOptions: TemplateEngineOptions = {}): TemplateEngine {
  const custom: Record<string, Helper> = { ...TEXT_HELPERS, ...FORMAT_HELPERS };
  const hb = createSandboxedHandlebars({ ...custom, [URL_PART_HELPER]: urlPart });
  const helpers = [...BUILTIN_HELPERS, ...Object.keys(custom)];
  const known = new Set(helpers);
  const options = {
    noEscape: true,
    strict: false,
    knownHelpersOnly: true,
    knownHelpers: Object.fromEntries([...Object.keys(custom), URL_PART_HELPER].map((n) => [n, true])),
  };
  return {
    helpers,
    compile(source, compileOptions = {}) {
      if (!source.includes('{{')) return { ok: true, template: { source, render: () => source }, warnings: [] };
      let ast: Ast;
      try {
        ast = hb.parse(source);
      } catch (error) {
        return { ok: false, problems: [parseProblem(error as Error, source)] };
      }
      const problems = checkAst(ast, known);
      if (problems.length > 0) return { ok: false, problems };
      const typed = isWholeValue(ast);
      const warnings = engineOptions.rootFields ? checkRootPaths(ast, new Set(engineOptions.rootFields), known) : [];
      if (compileOptions.url) encodeUrlInsertions(ast, source);
      const fn = hb.compile(ast, options);
      const render = (context: unknown, extra: RenderContext) => {
        const sink: { value?: unknown } = {};
        const text = fn(context, { data: { now: extra.now.toISOString(), rule: extra.rule, sink } });
        return typed ? (sink.value ?? null) : text;
      };
      return { ok: true, template: { source, render }, warnings };
    },
  };
}

const TOKEN_NAMES: Record<string, string> = {
  EOF: 'end of template (is a {{/…}} missing?)',
  INVALID: 'text Handlebars cannot read inside {{ }}',
  OPEN_ENDBLOCK: 'a {{/…}} that closes nothing',
  CLOSE: '"}}"',
  OPEN: '"{{"',
};

/** Handlebars parse errors carry the line in the message, an excerpt with a caret, and the token lists. */
function parseProblem(error: Error & { lineNumber?: number; column?: number }, source: string): TemplateProblem {
  if (typeof error.lineNumber === 'number') {
    const message = `template error: ${error.message.replace(/ - \d+:\d+$/, '')}`;
    return { message, line: error.lineNumber, column: error.column ?? 0 };
  }
  const lines = error.message.split('\n');
  const line = Number(/line (\d+)/.exec(lines[0] ?? '')?.[1] ?? 1);
  const got = /got '([A-Z_]+)'/.exec(error.message)?.[1];
  const expected = [
    ...(lines
      .slice(3)
      .join(' ')
      .match(/'[A-Z_]+'/g) ?? []),
  ];
  let what = lines[0] ?? error.message;
  if (got) what = `unexpected ${TOKEN_NAMES[got] ?? got}${expected.length <= 3 ? `, expected ${expected.join(' or ')}` : ''}`;
  const excerpt = lines.length >= 3 ? `\n    ${lines[1]}\n    ${lines[2]}` : '';
  return { message: `template syntax error: ${what}${excerpt}`, line, column: caretColumn(source, line, lines[1], lines[2]) };
}

/** The excerpt is the text before the error (last 20 characters, newlines dropped) and after it. */
function caretColumn(source: string, line: number, excerpt = '', caret = ''): number {
  const before = excerpt.slice(0, caret.indexOf('^')).replace(/^\.\.\./, '');
  const text = source.split('\n')[line - 1] ?? '';
  const at = before === '' ? 0 : text.lastIndexOf(before);
  return at < 0 ? 0 : at + before.length;
}

/** `{{value x}}` alone (surrounding whitespace aside) keeps the value's type. */
function isWholeValue(ast: Ast): boolean {
  const body = (ast.body as AstNode[]).filter((s) => !(s.type === 'ContentStatement' && String(s.value).trim() === ''));
  const only = body[0];
  return body.length === 1 && only?.type === 'MustacheStatement' && only.path?.original === 'value';
}
