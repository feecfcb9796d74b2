import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

// DER headers that wrap a raw 32-byte Ed25519 key (RFC 8410): SubjectPublicKeyInfo and PKCS#8.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A node:crypto public key from the 64 hex digits Discord shows as the app's Public Key. */
export function ed25519PublicKey(hex: string): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
}

/** A node:crypto private key from a 32-byte seed in hex (tests and `hookhub trigger` only). */
export function ed25519PrivateKey(hex: string): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'pkcs8' });
}

/** True when `signatureHex` (128 hex digits) is a valid Ed25519 signature of `message`. */
export function verifyEd25519(publicKey: KeyObject, message: Buffer, signatureHex: string): boolean {
  return verify(null, message, publicKey, Buffer.from(signatureHex, 'hex'));
}

/** The hex Ed25519 signature of `message`. */
export function signEd25519(privateKey: KeyObject, message: Buffer): string {
  return sign(null, message, privateKey).toString('hex');
}
