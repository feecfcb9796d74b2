import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PermanentError } from '../../errors.ts';
import { FORMAT_HELPERS } from '../../rules/template-format-helpers.ts';
import { TEXT_HELPERS } from '../../rules/template-helpers.ts';
import { createSandboxedHandlebars, type Helper } from '../../shared/sandboxed-handlebars.ts';

/** The shipped templates: reports/templates/<name>.md.hbs and <name>.html.hbs. */
export const SHIPPED_TEMPLATES_DIR = fileURLToPath(new URL('../../../reports/templates/', import.meta.url));

export interface RenderedReport {
  markdown: string;
  html: string;
  /** From the optional `<name>.chat.hbs`: plain lines that read well in Slack, Teams, Discord and Mattermost. */
  chat?: string;
}

/** `{{percent part whole}}` → `12.5%` (one decimal), or `n/a` when the whole is 0. */
const percent: Helper = ([part, whole]) => {
  const p = Number(part);
  const w = Number(whole);
  if (!Number.isFinite(p) || !Number.isFinite(w) || w === 0) return 'n/a';
  return `${(Math.round((p / w) * 1000) / 10).toFixed(1)}%`;
};

/** `{{bar value max [width]}}` → a text bar of █ for Markdown (width defaults to 20). */
const bar: Helper = ([value, max, width]) => {
  const v = Number(value);
  const m = Number(max);
  const w = typeof width === 'number' ? width : 20;
  if (!Number.isFinite(v) || !Number.isFinite(m) || m <= 0 || v <= 0) return '';
  return '█'.repeat(Math.max(1, Math.round((v / m) * w)));
};

/** `{{max list "count"}}` → the largest value of a field in a list. */
const max: Helper = ([list, field]) =>
  Array.isArray(list) ? Math.max(0, ...list.map((item) => Number((item as Record<string, unknown>)[String(field)]) || 0)) : 0;

const REPORT_HELPERS: Readonly<Record<string, Helper>> = { ...TEXT_HELPERS, ...FORMAT_HELPERS, percent, bar, max };

/** Where a template's files are: a shipped name, or a path given without the `.md.hbs` / `.html.hbs` / `.chat.hbs` ending. */
export function templatePaths(template: string, baseDir = process.cwd()): { markdown: string; html: string; chat: string } {
  const isName = /^[a-z0-9][a-z0-9-]*$/.test(template);
  const base = isName ? `${SHIPPED_TEMPLATES_DIR}${template}` : template.startsWith('/') ? template : `${baseDir}/${template}`;
  return { markdown: `${base}.md.hbs`, html: `${base}.html.hbs`, chat: `${base}.chat.hbs` };
}

async function readTemplate(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new PermanentError(`report template ${path}: ${(error as Error).message}`);
  }
}

/** The chat variant is optional: only a missing file means there is none; an unreadable one is an error. */
async function readOptionalTemplate(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PermanentError(`report template ${path}: ${(error as Error).message}`);
  }
}

/**
 * Renders a report's Markdown (no escaping) and HTML (HTML-escaped; the chart SVG goes in with
 * `{{{chart}}}`, built from escaped parts). A template error is permanent: retrying cannot fix it.
 */
export async function renderReport(
  template: string,
  context: Record<string, unknown>,
  chartSvg: string,
  now: Date,
): Promise<RenderedReport> {
  const paths = templatePaths(template);
  const [mdSource, htmlSource, chatSource] = await Promise.all([
    readTemplate(paths.markdown),
    readTemplate(paths.html),
    readOptionalTemplate(paths.chat),
  ]);
  const hb = createSandboxedHandlebars(REPORT_HELPERS);
  const data = { data: { now: now.toISOString() } };
  try {
    const markdown = hb.compile(mdSource, { noEscape: true })(context, data);
    const html = hb.compile(htmlSource)({ ...context, chart: chartSvg }, data);
    const chat = chatSource === undefined ? undefined : hb.compile(chatSource, { noEscape: true })(context, data);
    return { markdown, html, ...(chat === undefined ? {} : { chat }) };
  } catch (error) {
    throw new PermanentError(`report template ${template}: ${(error as Error).message}`);
  }
}
