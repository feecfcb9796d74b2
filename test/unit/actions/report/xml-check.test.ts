import { describe, expect, it } from 'vitest';
import { checkXml } from './xml-check.ts';

describe('the well-formedness checker used on reports', () => {
  it('accepts well-formed XML and polyglot HTML', () => {
    expect(checkXml('<svg xmlns="http://www.w3.org/2000/svg"><rect x="1"/><text>a &amp; b</text></svg>').problems).toEqual([]);
    expect(
      checkXml('<!DOCTYPE html>\n<html><head><meta charset="utf-8"/></head><body><p>&nbsp;x</p></body></html>', { html: true }).problems,
    ).toEqual([]);
  });

  it.each([
    ['<svg><rect></svg>', '</svg> closes <rect>'],
    ['<svg>', 'unclosed: svg'],
    ['<svg><text>a < b</text></svg>', 'unterminated tag'],
    ['<svg><text>a & b</text></svg>', 'bare &'],
    ['<svg><text>&nbsp;</text></svg>', 'entity &nbsp; is not defined in XML'],
    ['<svg x=1></svg>', 'bad attribute syntax'],
    ['<svg x="1" x="2"></svg>', 'duplicate attribute x'],
    ['<svg></svg><svg></svg>', 'second root element'],
    ['text<svg></svg>', 'text outside the root'],
  ])('rejects %s', (input, problem) => {
    expect(checkXml(input).problems.join('\n')).toContain(problem);
  });

  it('requires the doctype for HTML', () => {
    expect(checkXml('<html></html>', { html: true }).problems).toContain('missing <!DOCTYPE html>');
  });
});
