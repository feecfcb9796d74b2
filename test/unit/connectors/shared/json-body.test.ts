import { describe, expect, it } from 'vitest';
import { nestingExceeds, parseJsonBody, parseJsonObject } from '../../../../connectors/shared/json-body.ts';
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

  it('stops a deep body before the parser or anything recursive sees it', () => {
    expect(() => parseJsonBody(`{"x":${'['.repeat(129)}${']'.repeat(129)}}`)).toThrow('body nests JSON deeper than 128 levels');
    expect(() => parseJsonBody(`{"x":${'['.repeat(127)}${']'.repeat(127)}}`)).not.toThrow();
  });
});
