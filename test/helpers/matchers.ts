import { expect } from 'vitest';

// vitest types its asymmetric matchers as `any`, which would switch off the unsafe-any checks wherever one sits in
// an object literal. These return `unknown`: the same matchers, without the `any`.
export const anyString = (): unknown => expect.any(String);
export const stringMatching = (pattern: string | RegExp): unknown => expect.stringMatching(pattern);
export const stringContaining = (text: string): unknown => expect.stringContaining(text);
export const objectContaining = (object: Record<string, unknown>): unknown => expect.objectContaining(object);
export const arrayContaining = (items: readonly unknown[]): unknown => expect.arrayContaining(items as unknown[]);
export const anything = (): unknown => expect.anything();
