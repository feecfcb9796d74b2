import { describe, expect, it } from 'vitest';
import { BufferedResponse } from '../../../../src/actions/runtime/ssrf/buffered-response.ts';

const init = { status: 201, statusText: 'Created', headers: { 'content-type': 'application/json' } };

describe('BufferedResponse', () => {
  it('reads like a Response over the same bytes', async () => {
    const bytes = Buffer.from('{"ok":true,"name":"façade"}');
    const real = new Response(bytes, init);
    const buffered = new BufferedResponse(bytes, init);
    expect(buffered).toBeInstanceOf(Response);
    expect([buffered.status, buffered.statusText, buffered.ok, buffered.headers.get('content-type')]).toEqual([
      real.status,
      real.statusText,
      real.ok,
      real.headers.get('content-type'),
    ]);
    expect(await buffered.text()).toBe(await real.clone().text());
    expect(await buffered.json()).toEqual(await real.clone().json());
    expect(Buffer.from(await buffered.arrayBuffer())).toEqual(Buffer.from(await real.clone().arrayBuffer()));
    const blob = await buffered.blob();
    expect([blob.type, await blob.text()]).toEqual(['application/json', '{"ok":true,"name":"façade"}']);
  });

  it('drops a leading byte order mark from text, as Response does', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('hi')]);
    expect(await new BufferedResponse(bytes, init).text()).toBe(await new Response(bytes, init).text());
    expect(await new BufferedResponse(bytes, init).text()).toBe('hi');
  });

  it('hands out a copy: changing what arrayBuffer() returned leaves the bytes alone', async () => {
    const pooled = Buffer.from('xxabcxx').subarray(2, 5);
    const response = new BufferedResponse(pooled, init);
    const first = new Uint8Array(await response.arrayBuffer());
    expect(Buffer.from(first).toString()).toBe('abc');
    first[0] = 0x7a;
    expect(await response.text()).toBe('abc');
  });

  it('clones into a response that reads the same bytes, status and headers', async () => {
    const clone = new BufferedResponse(Buffer.from('{"ok":true}'), init).clone();
    expect(clone).toBeInstanceOf(BufferedResponse);
    expect([clone.status, clone.statusText, clone.headers.get('content-type')]).toEqual([201, 'Created', 'application/json']);
    expect(await clone.json()).toEqual({ ok: true });
  });

  it('rejects json() on a body that is not JSON', async () => {
    await expect(new BufferedResponse(Buffer.from('<html>'), init).json()).rejects.toThrow(SyntaxError);
  });
});
