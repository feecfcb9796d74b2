import { describe, expect, it } from 'vitest';
import { checkUtf8, checkUtf8Form } from '../../../../connectors/shared/utf8-body.ts';
import { PayloadError } from '../../../../src/errors.ts';

describe('checkUtf8Form', () => {
  it('takes UTF-8 escapes in either case, and stray or malformed % as URLSearchParams keeps them', () => {
    for (const form of ['a=Caf%C3%A9', 'a=caf%c3%a9', 'a=100%', 'a=%zz&b=%4', 'a=%%41', 'a=Café']) {
      expect(() => checkUtf8Form(Buffer.from(form)), form).not.toThrow();
    }
  });

  it('refuses an escape or a raw byte that is not UTF-8, and a query string alike', () => {
    expect(() => checkUtf8Form(Buffer.from('a=%E9'))).toThrow(/once percent-decoded/);
    expect(() => checkUtf8Form(Buffer.from('a=%C3'))).toThrow(PayloadError);
    expect(() => checkUtf8Form(Buffer.from([0x61, 0x3d, 0xe9]))).toThrow(/^form body is not valid UTF-8 \(/);
    expect(() => checkUtf8Form('/hooks/t?Body=%FF', 'query string')).toThrow(/^query string is not valid UTF-8 once/);
  });
});

describe('checkUtf8', () => {
  it('refuses a truncated sequence and an overlong encoding', () => {
    expect(() => checkUtf8(Buffer.from([0x7b, 0xc3]))).toThrow(/^body is not valid UTF-8/);
    expect(() => checkUtf8(Buffer.from([0xc0, 0xaf]))).toThrow(PayloadError);
    expect(() => checkUtf8(Buffer.from('{"a":"☕"}'))).not.toThrow();
  });
});
