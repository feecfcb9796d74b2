import { describe, expect, it } from 'vitest';
// @ts-expect-error: a browser module without type declarations
import { safeNext } from '../../../src/dashboard/assets/safe-next.js';

const origin = 'http://127.0.0.1:8080';
const next = safeNext as (next: string | null, origin: string) => string;

describe('the login page only returns to its own origin', () => {
  it('keeps same-origin paths with their query and hash', () => {
    expect(next('/events?type=github.**#top', origin)).toBe('/events?type=github.**#top');
    expect(next('events/42', origin)).toBe('/events/42');
    expect(next(null, origin)).toBe('/');
  });

  it('refuses other origins however they are spelled', () => {
    for (const evil of [
      '/\\evil.example',
      '//evil.example',
      '\\\\evil.example',
      'https://evil.example/',
      '/\t/evil.example',
      'javascript:alert(1)',
      'http://127.0.0.1:9999/',
    ]) {
      expect({ evil, to: next(evil, origin) }).toEqual({ evil, to: '/' });
    }
  });
});
