import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMasker } from '../../../src/operations/event-view.ts';
import { holdsAny, secretForms, withForms } from '../../../src/operations/secret-forms.ts';

const SECRET = 'p@ss w/rd+&=ünï~42';

describe('the forms a secret is echoed in', () => {
  it('are the secret, percent-encoded (URL and form), JSON-escaped, base64 and base64url', () => {
    const forms = secretForms(SECRET);
    expect(forms).toContain(SECRET);
    expect(forms).toContain(encodeURIComponent(SECRET));
    expect(forms).toContain(new URLSearchParams({ k: SECRET }).toString().slice(2));
    expect(secretForms('-----BEGIN KEY-----\nMIIEabc\n-----END KEY-----')).toContain('-----BEGIN KEY-----\\nMIIEabc\\n-----END KEY-----');
  });

  it('find the secret in base64 whatever comes before and after it (Basic base64(user:token))', () => {
    const mask = createMasker(withForms([SECRET]));
    for (const before of ['', 'u', 'us', 'user:', 'usr:', 'user-1:']) {
      for (const after of ['', 'x', 'xy']) {
        const bytes = Buffer.from(`${before}${SECRET}${after}`);
        for (const encoding of ['base64', 'base64url'] as const) {
          const text = `Authorization: Basic ${bytes.toString(encoding)}`;
          const masked = mask(text);
          expect(masked, `${encoding} of ${before}…${after}`).toMatch(/\[redacted, \d+ chars\]/);
          // What is left of the encoded text holds at most a few bits of the secret, at each end.
          expect(masked.replace(/\[redacted, \d+ chars\]/, '').length).toBeLessThanOrEqual(
            'Authorization: Basic '.length + Math.ceil(((before.length + after.length) * 4) / 3) + 4,
          );
        }
      }
    }
  });

  it('leave a short secret and its forms alone, and mask what holds another whole', () => {
    expect(secretForms('short')).toEqual([]);
    expect(createMasker(withForms(['routing-key-0123', 'routing-key-0123-longer']))('k=routing-key-0123-longer')).toBe(
      'k=[redacted, 23 chars]',
    );
  });

  it("mask a PEM key's body however an answer quotes it: JSON-escaped with \\r\\n, joined into one run, or a line alone", () => {
    const { privateKey: pem } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const body = pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
    const longLines = body.filter((line) => line.length >= 8);
    const forms = withForms([pem]);
    const mask = createMasker(forms);
    const quoted = [JSON.stringify({ key: pem.replaceAll('\n', '\r\n') }), `key=${body.join('')}`, `line 3 of the key: ${body[2]}`];
    for (const text of quoted) {
      expect(holdsAny(forms, text), text.slice(0, 40)).toBe(true);
      const masked = mask(text);
      for (const line of longLines) expect(masked).not.toContain(line);
    }
    // A key given on one line, with \n escapes (as an environment variable often holds it).
    const oneLine = withForms([pem.replaceAll('\n', '\\n')]);
    expect(createMasker(oneLine)(`line 3 of the key: ${body[2]}`)).not.toContain(body[2]);
  });

  it('find percent escapes in lowercase hex too (%2f as well as %2F), in one pass', () => {
    const lowerHex = (text: string) => text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
    const query = lowerHex(encodeURIComponent(SECRET));
    expect(query).toContain('%2f');
    const form = lowerHex(new URLSearchParams({ k: SECRET }).toString().slice(2));
    const forms = withForms([SECRET]);
    for (const text of [`?key=${query}&x=1`, `key=${form}`]) {
      expect(holdsAny(forms, text), text).toBe(true);
      expect(createMasker(forms)(text)).toMatch(/key=\[redacted, \d+ chars\]/);
    }
  });
});
