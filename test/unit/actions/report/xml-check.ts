/**
 * A strict well-formedness checker for XML and for polyglot (XHTML-serialised) HTML: every tag
 * closed in order, quoted unique attributes, only known entities, no raw `<` or `&` in text.
 * Returns the problems found (empty = well-formed) and the element names seen.
 */
export interface XmlCheck {
  problems: string[];
  elements: string[];
  /** Attributes by element, in document order. */
  attributes: { element: string; attrs: Record<string, string> }[];
}

const NAME = /^[A-Za-z_][\w.:-]*$/;
const ENTITY = /&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);/g;
const XML_ENTITIES = new Set(['&lt;', '&gt;', '&amp;', '&quot;', '&apos;']);

export function checkXml(source: string, options: { html?: boolean } = {}): XmlCheck {
  const out: XmlCheck = { problems: [], elements: [], attributes: [] };
  let text = source.replace(/^<\?xml[^>]*\?>\s*/, '');
  if (options.html) {
    if (!/^<!DOCTYPE html>/i.test(text)) out.problems.push('missing <!DOCTYPE html>');
    text = text.replace(/^<!DOCTYPE html>\s*/i, '');
  }
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    checkText(text.slice(i, lt < 0 ? text.length : lt), stack, out, options.html === true);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) return fail(out, 'unterminated comment');
      i = end + 3;
      continue;
    }
    const gt = findTagEnd(text, lt);
    if (gt < 0) return fail(out, `unterminated tag at ${lt}`);
    const tag = text.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== name) out.problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const parsed = parseTag(selfClosing ? tag.slice(0, -1) : tag, out);
    if (!parsed) continue;
    if (stack.length === 0 && ++roots > 1) out.problems.push(`second root element <${parsed.name}>`);
    out.elements.push(parsed.name);
    out.attributes.push({ element: parsed.name, attrs: parsed.attrs });
    if (!selfClosing) stack.push(parsed.name);
  }
  if (stack.length > 0) out.problems.push(`unclosed: ${stack.join(' > ')}`);
  if (roots === 0) out.problems.push('no root element');
  return out;
}

function fail(out: XmlCheck, problem: string): XmlCheck {
  out.problems.push(problem);
  return out;
}

function findTagEnd(text: string, from: number): number {
  let quote: string | undefined;
  for (let j = from + 1; j < text.length; j++) {
    const c = text[j];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '<') return -1;
    else if (c === '>') return j;
  }
  return -1;
}

function parseTag(tag: string, out: XmlCheck): { name: string; attrs: Record<string, string> } | undefined {
  const match = /^([^\s]+)([\s\S]*)$/.exec(tag);
  const name = match?.[1] ?? '';
  if (!NAME.test(name)) {
    out.problems.push(`bad element name "${name}"`);
    return undefined;
  }
  const attrs: Record<string, string> = {};
  let rest = (match?.[2] ?? '').trim();
  while (rest !== '') {
    const attr = /^([A-Za-z_:][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')\s*/.exec(rest);
    if (!attr) {
      out.problems.push(`<${name}>: bad attribute syntax near "${rest.slice(0, 30)}"`);
      return undefined;
    }
    const key = attr[1] ?? '';
    if (Object.hasOwn(attrs, key)) out.problems.push(`<${name}>: duplicate attribute ${key}`);
    const value = attr[3] ?? attr[4] ?? '';
    checkEntities(value, `<${name} ${key}>`, out, false);
    attrs[key] = value;
    rest = rest.slice(attr[0].length);
  }
  return { name, attrs };
}

function checkText(text: string, stack: string[], out: XmlCheck, html: boolean) {
  if (text === '') return;
  if (stack.length === 0 && text.trim() !== '') out.problems.push(`text outside the root: "${text.trim().slice(0, 30)}"`);
  checkEntities(text, `text in <${stack[stack.length - 1] ?? ''}>`, out, html);
}

function checkEntities(text: string, where: string, out: XmlCheck, html: boolean) {
  for (const entity of text.match(ENTITY) ?? []) {
    if (!XML_ENTITIES.has(entity) && !entity.startsWith('&#') && !html)
      out.problems.push(`${where}: entity ${entity} is not defined in XML`);
  }
  if (/&(?![a-zA-Z]+;|#\d+;|#x[0-9a-fA-F]+;)/.test(text)) out.problems.push(`${where}: bare &`);
}
