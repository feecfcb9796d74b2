import { createPrivateKey } from 'node:crypto';

/**
 * Why `app.privateKey` cannot sign a GitHub App JWT, or undefined when it can: an RSA private key in PEM,
 * with real or `\n`-escaped line breaks. Checked when the config loads, so that a file path or a
 * truncated key is reported at its file:line rather than as a crypto error on the first API call.
 * The message never quotes the key.
 * https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/managing-private-keys-for-github-apps
 */
export function privateKeyProblem(text: string): string | undefined {
  const pem = text.replace(/\\n/g, '\n').trim();
  if (!pem.startsWith('-----BEGIN')) {
    return "app.privateKey is not a PEM key: give the key's contents (the text of the App's .pem file, from its -----BEGIN line), not a file path";
  }
  if (/-----BEGIN (?:RSA |EC )?PUBLIC KEY-----|-----BEGIN CERTIFICATE-----/.test(pem)) {
    return "app.privateKey holds a public key or certificate: give the App's private key (the .pem file GitHub generated)";
  }
  let type: string | undefined;
  try {
    type = createPrivateKey(pem).asymmetricKeyType;
  } catch {
    return 'app.privateKey is not a readable PEM private key (truncated, line breaks lost, or encrypted): give the .pem file GitHub generated for the App, unchanged';
  }
  return type === 'rsa'
    ? undefined
    : `app.privateKey is a ${type ?? 'non-RSA'} key: GitHub App keys are RSA (the .pem file GitHub generated for the App)`;
}
