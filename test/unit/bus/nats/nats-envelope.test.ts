import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, peekSubject } from '../../../../src/bus/nats/nats-envelope.ts';

const TRICKY = ['github.push', ',"payload":', 'a\\', '"quoted"', 'x\\",\\"payload\\":1', 'ünïcödé ✓', ''];

describe('peekSubject', () => {
  it("reads the subject from both encoders' bodies, whatever the id and subject hold", () => {
    for (const id of TRICKY) {
      for (const subject of TRICKY) {
        const payload = { payload: { subject: 'not this one' }, text: ',"payload":' };
        const parsed = encodeEnvelope({ id, subject, payload });
        const asIs = encodeEnvelope({ id, subject, payload, json: JSON.stringify(payload) });
        expect(peekSubject(parsed)).toBe(subject);
        expect(peekSubject(asIs)).toBe(subject);
        expect(decodeEnvelope(asIs, 1, new Date(0)).subject).toBe(subject);
      }
    }
  });

  it('agrees with a full decode on random ids and subjects', () => {
    const alphabet = ['"', '\\', ',', ':', 'p', 'a', 'y', 'l', 'o', 'd', '{', '}', ' ', 'é', '\n'];
    const random = () =>
      Array.from({ length: Math.floor(Math.random() * 24) }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
    for (let i = 0; i < 2_000; i++) {
      const body = encodeEnvelope({ id: random(), subject: random(), payload: { note: random() } });
      expect(peekSubject(body)).toBe(decodeEnvelope(body, 1, new Date(0)).subject);
    }
  });

  it('answers undefined for a body that is not an envelope, so the caller decodes it in full', () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    expect(peekSubject(bytes('not json'))).toBeUndefined();
    expect(peekSubject(bytes('{"subject":"s"}'))).toBeUndefined();
    expect(peekSubject(bytes('{"id":"x","subject":7,"payload":{}}'))).toBeUndefined();
    expect(peekSubject(bytes('{"id":"x","subj,"payload":{}}'))).toBeUndefined();
  });
});
