import { describe, expect, it } from 'vitest';
import { nestingExceeds, nestsDeeperThan, parseJsonBody, parseJsonObject } from '../../../../connectors/shared/json-body.ts';
import { PayloadError } from '../../../../src/errors.ts';

describe('parseJsonBody', () => {
  it('parses JSON from bytes or text, ignoring a byte order mark', () => {
    expect(parseJsonBody(Buffer.from('{"a":1}'))).toEqual({ a: 1 });
    expect(parseJsonBody('\ufeff[1]')).toEqual([1]);
  });

  it('names what is wrong: empty, truncated, not JSON', () => {
    expect(() => parseJsonBody(Buffer.alloc(0))).toThrow(new PayloadError('body is empty (expected JSON)'));
    expect(() => parseJsonBody('  \n')).toThrow(/body is empty/);
    expect(() => parseJsonBody('{"a": [1, 2')).toThrow(/body is truncated JSON \(it ends after 11 bytes\)/);
    expect(() => parseJsonBody('{"a": "unterminated')).toThrow(/truncated/);
    expect(() => parseJsonBody('{"a": 12.\n')).toThrow(/truncated/);
    expect(() => parseJsonBody('{"a": 1,}')).toThrow(/^body is not JSON/);
    expect(() => parseJsonBody('payload=%7B%7D')).toThrow(/^body is not JSON: /);
    expect(() => parseJsonBody('<html>')).toThrow(PayloadError);
  });
});

describe('parseJsonObject', () => {
  it('wants an object at the top level', () => {
    expect(parseJsonObject('{"id":"x"}')).toEqual({ id: 'x' });
    expect(() => parseJsonObject('[1]')).toThrow('body is JSON but an array, not an object');
    expect(() => parseJsonObject('null')).toThrow('body is JSON but null, not an object');
    expect(() => parseJsonObject('"s"')).toThrow('body is JSON but a string, not an object');
  });
});

describe('nestingExceeds', () => {
  it('counts brackets outside strings only, whatever the escapes', () => {
    expect(nestingExceeds('[[[]]]', 3)).toBe(false);
    expect(nestingExceeds('[[[[]]]]', 3)).toBe(true);
    expect(nestingExceeds('{"a":{"b":[1]}}', 2)).toBe(true);
    expect(nestingExceeds('{"[[[[":"{{{{"}', 1)).toBe(false);
    // An escaped quote does not end the string; an escaped backslash before a quote does.
    expect(nestingExceeds(String.raw`{"a":"x\"[[[["}`, 1)).toBe(false);
    expect(nestingExceeds(String.raw`{"a":"x\\\"[[[["}`, 1)).toBe(false);
    expect(nestingExceeds(String.raw`{"a":"x\\",[[[[]]]]}`, 3)).toBe(true);
    expect(nestingExceeds(String.raw`{"a":"x\\\\",[[[]]]}`, 4)).toBe(false);
    // An unterminated string hides nothing JSON.parse would accept.
    expect(nestingExceeds('{"a":"[[[[', 1)).toBe(false);
  });
});

describe('nestsDeeperThan', () => {
  it('counts levels of arrays and objects, the value itself being the first', () => {
    expect(nestsDeeperThan([[[]]], 3)).toBe(false);
    expect(nestsDeeperThan([[[[]]]], 3)).toBe(true);
    expect(nestsDeeperThan({ a: { b: [1] } }, 2)).toBe(true);
    expect(nestsDeeperThan({ a: { b: [1] } }, 3)).toBe(false);
    expect(nestsDeeperThan('[[[[', 0)).toBe(false);
    expect(nestsDeeperThan([1, 'x', null, [[2]]], 2)).toBe(true);
  });

  it('walks own properties only, not what Object.prototype holds', () => {
    const deep: unknown = JSON.parse(`${'['.repeat(10)}${']'.repeat(10)}`);
    Object.defineProperty(Object.prototype, 'inherited', { value: deep, enumerable: true, configurable: true, writable: true });
    try {
      expect(nestsDeeperThan({ a: { b: 1 } }, 3)).toBe(false);
    } finally {
      delete (Object.prototype as Record<string, unknown>).inherited;
    }
    expect(nestsDeeperThan({ own: deep }, 3)).toBe(true);
  });
});

describe('the nesting limit of parseJsonBody', () => {
  it('refuses a body nested deeper than 128 levels, and only that', () => {
    expect(() => parseJsonBody(`{"x":${'['.repeat(129)}${']'.repeat(129)}}`)).toThrow('body nests JSON deeper than 128 levels');
    expect(() => parseJsonBody(`{"x":${'['.repeat(127)}${']'.repeat(127)}}`)).not.toThrow();
    expect(() => parseJsonBody(`[${'{"a":'.repeat(128)}1${'}'.repeat(128)}]`)).toThrow('deeper than 128 levels');
  });

  it('takes brackets inside strings, escaped quotes or not, for text', () => {
    const many = '['.repeat(300);
    expect(parseJsonBody(JSON.stringify({ a: many, b: `x"${many}`, c: `x\\"${many}` }))).toMatchObject({ a: many });
    // An escaped backslash before a quote ends the string: the brackets after it are nesting.
    expect(() => parseJsonBody(`${String.raw`{"a":"x\\","b":`}${'['.repeat(130)}${']'.repeat(130)}}`)).toThrow('deeper than 128 levels');
  });

  it('refuses a deep body whatever its size: a large one is scanned, a small one walked once parsed', () => {
    expect(() => parseJsonBody(`${'['.repeat(200_000)}${']'.repeat(200_000)}`)).toThrow('deeper than 128 levels');
    const wide = JSON.stringify({ pad: 'x'.repeat(70_000), deep: JSON.parse(`${'['.repeat(130)}${']'.repeat(130)}`) as unknown });
    expect(() => parseJsonBody(wide)).toThrow('deeper than 128 levels');
    expect(parseJsonBody(JSON.stringify({ pad: 'x'.repeat(70_000), note: '['.repeat(500) }))).toMatchObject({ note: '['.repeat(500) });
  });
});
