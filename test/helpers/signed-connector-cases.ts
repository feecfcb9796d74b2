import { expect, it } from 'vitest';
import type { Connector, ConnectorContext } from '../../connectors/connector.ts';
import { PayloadError, VerificationError } from '../../src/errors.ts';
import { signedRequest } from './connector-request.ts';

export interface SignedConnectorCase<C extends { type: string }> {
  connector: Connector<C>;
  /** Configured with one secret `A`. */
  ctx: ConnectorContext<C>;
  /** Configured with `[B, A]` (a rotation in progress). */
  rotated: ConnectorContext<C>;
  /** Configured with an unrelated secret. */
  wrong: ConnectorContext<C>;
  /** A valid sample body and its delivery meta. */
  body: Buffer;
  meta: { id: string; event: string };
  /** The header(s) carrying the signature, lowercased. */
  signatureHeaders: readonly string[];
  /** The same body with one value changed (still JSON). */
  tampered: Buffer;
  /** A body that is not JSON, signed so that it passes verification (for the 400 case). */
  nonJson?: Buffer;
}

/**
 * The verification cases every signing connector must pass, called connector.handle directly:
 * valid, tampered body, wrong secret, rotated secret (old and new), missing signature headers,
 * garbage signature, and a signed non-JSON body (400 only after verification).
 */
export function itVerifiesSignedBodies<C extends { type: string }>(c: SignedConnectorCase<C>): void {
  const handle = async (request: ReturnType<typeof signedRequest>, ctx = c.ctx) => c.connector.handle(request, ctx);

  it('accepts a delivery signed with the secret', async () => {
    const { events } = await handle(signedRequest(c.connector, c.ctx, c.body, c.meta));
    expect(events.length).toBeGreaterThan(0);
  });

  it('rejects a tampered body with VerificationError', async () => {
    const request = { ...signedRequest(c.connector, c.ctx, c.body, c.meta), body: c.tampered };
    await expect(handle(request)).rejects.toThrow(VerificationError);
  });

  it('rejects a signature made with another secret', async () => {
    await expect(handle(signedRequest(c.connector, c.wrong, c.body, c.meta))).rejects.toThrow(VerificationError);
  });

  it('accepts both the old and the new secret during a rotation', async () => {
    expect((await handle(signedRequest(c.connector, c.ctx, c.body, c.meta), c.rotated)).events.length).toBeGreaterThan(0);
    expect((await handle(signedRequest(c.connector, c.rotated, c.body, c.meta), c.rotated)).events.length).toBeGreaterThan(0);
  });

  it('rejects a request without its signature header', async () => {
    const removed = Object.fromEntries(c.signatureHeaders.map((name) => [name, undefined]));
    await expect(handle(signedRequest(c.connector, c.ctx, c.body, c.meta, removed))).rejects.toThrow(/missing/i);
  });

  it('rejects a garbage signature', async () => {
    const garbage = Object.fromEntries(c.signatureHeaders.map((name) => [name, 'garbage']));
    await expect(handle(signedRequest(c.connector, c.ctx, c.body, c.meta, garbage))).rejects.toThrow(VerificationError);
  });

  it('parses only after verifying: signed non-JSON is 400, unsigned non-JSON is 401', async () => {
    const nonJson = c.nonJson ?? Buffer.from('this is not json');
    await expect(handle(signedRequest(c.connector, c.ctx, nonJson, c.meta))).rejects.toThrow(PayloadError);
    const unsigned = Object.fromEntries(c.signatureHeaders.map((name) => [name, undefined]));
    await expect(handle(signedRequest(c.connector, c.ctx, nonJson, c.meta, unsigned))).rejects.toThrow(VerificationError);
  });
}
