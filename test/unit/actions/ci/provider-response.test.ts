import { describe, expect, it } from 'vitest';
import { providerErrorMessage } from '../../../../src/actions/runtime/provider-response.ts';

describe('provider error messages, verbatim', () => {
  it.each([
    ['GitHub', '{"message":"Not Found","documentation_url":"https://docs.github.com"}', 'Not Found'],
    [
      'GitHub validation',
      '{"message":"Validation Failed","errors":[{"resource":"Repo","code":"custom","message":"No ref found for: nope"}]}',
      'Validation Failed (No ref found for: nope)',
    ],
    ['GitLab', '{"message":{"base":["Reference not found"]}}', 'base: Reference not found'],
    ['GitLab (Grape)', '{"error":"ref is missing"}', 'ref is missing'],
    [
      'Mastodon',
      '{"error":"Validation failed: Text character limit of 500 exceeded"}',
      'Validation failed: Text character limit of 500 exceeded',
    ],
    [
      'Bluesky',
      '{"error":"InvalidRequest","message":"Record/text must not be longer than 300 graphemes"}',
      'InvalidRequest: Record/text must not be longer than 300 graphemes',
    ],
    [
      'Graph API',
      '{"error":{"message":"(#200) Permissions error","type":"OAuthException","code":200}}',
      '(#200) Permissions error (OAuthException code 200)',
    ],
    ['Jenkins', '<html><head><title>Error 404 Not Found</title></head><body>…</body></html>', 'Error 404 Not Found'],
    ['plain text', 'upstream connect error\n', 'upstream connect error'],
  ])('%s', (_name, body, message) => {
    expect(providerErrorMessage(body)).toBe(message);
  });

  it('nothing for an empty body', () => {
    expect(providerErrorMessage('  ')).toBeUndefined();
  });
});
