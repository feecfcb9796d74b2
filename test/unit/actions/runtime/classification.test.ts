import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../../../src/errors.ts';
import { classifyError } from '../../../../src/actions/runtime/classify-error.ts';
import { httpOutcome, RESPONSE_SNIPPET_BYTES } from '../../../../src/actions/runtime/http-outcome.ts';
import { createOutboundGuard } from '../../../../src/actions/runtime/ssrf/guarded-fetch.ts';
import { stringContaining } from '../../../helpers/matchers.ts';

const now = new Date('2026-01-01T00:00:00Z');

async function classifyStatus(status: number, headers: Record<string, string> = {}, body = 'body') {
  try {
    const result = await httpOutcome(new Response(status === 204 ? null : body, { status, headers }), now);
    return { kind: 'success' as const, ...result };
  } catch (error) {
    return classifyError(error, 15_000);
  }
}

describe('HTTP classification', () => {
  it('2xx is success with the response snippet', async () => {
    expect(await classifyStatus(200)).toMatchObject({ kind: 'success', status: 200, response: 'body' });
    expect(await classifyStatus(204)).toMatchObject({ kind: 'success', status: 204 });
  });

  it('3xx is permanent: redirects are not followed', async () => {
    expect(await classifyStatus(301, { location: 'https://elsewhere.example' })).toMatchObject({ kind: 'permanent', status: 301 });
  });

  it('names where a redirect goes by its origin only: the path and query of a webhook URL can be its secret', async () => {
    // Redirecting plain http to https keeps the path: a Slack webhook URL's path is its token.
    const server = createServer((_req, res) =>
      res.writeHead(301, { location: 'https://hooks.example.com/services/T0/B0/s3cr3tPath?token=s3cr3tQuery' }).end(),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const guard = createOutboundGuard({ allowPrivateNetworks: true });
    try {
      const response = await guard.fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0/B0/s3cr3tPath`);
      const error = await httpOutcome(response, now).catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(PermanentError);
      expect((error as Error).message).toContain('https://hooks.example.com');
      expect((error as Error).message).not.toMatch(/s3cr3t/);
      const relative = await httpOutcome(new Response(null, { status: 302, headers: { location: '/s3cr3t' } }), now).catch(
        (e: unknown) => e as Error,
      );
      expect((relative as Error).message).not.toMatch(/s3cr3t/);
    } finally {
      guard.close();
      server.close();
    }
  });

  it.each([408, 425, 429, 500, 502, 503, 504])('%i is retryable', async (status) => {
    expect(await classifyStatus(status)).toMatchObject({ kind: 'retry', status, response: 'body' });
  });

  it('honours Retry-After on retryable statuses', async () => {
    expect(await classifyStatus(429, { 'retry-after': '7' })).toMatchObject({ kind: 'retry', delayMs: 7_000 });
    expect(await classifyStatus(503, { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' })).toMatchObject({ delayMs: 30_000 });
  });

  it('410 is permanent and marks the destination gone', async () => {
    expect(await classifyStatus(410)).toMatchObject({ kind: 'gone', status: 410 });
  });

  it.each([400, 401, 403, 404, 413, 422])('%i is permanent', async (status) => {
    expect(await classifyStatus(status)).toMatchObject({ kind: 'permanent', status });
  });

  it('keeps only the first 2 KB of the response, on a character boundary', async () => {
    const result = await classifyStatus(500, {}, `${'a'.repeat(RESPONSE_SNIPPET_BYTES - 1)}é${'b'.repeat(5_000)}`);
    expect(result.kind).toBe('retry');
    expect((result as { response: string }).response).toBe('a'.repeat(RESPONSE_SNIPPET_BYTES - 1));
  });
});

describe('error classification', () => {
  it('keeps RetryableError delays and PermanentError gone flags', () => {
    expect(classifyError(new RetryableError('busy', 1_000, 503), 15_000)).toMatchObject({ kind: 'retry', delayMs: 1_000, status: 503 });
    expect(classifyError(new PermanentError('gone', 410, true), 15_000)).toMatchObject({ kind: 'gone' });
    expect(classifyError(new PermanentError('bad', 400), 15_000)).toMatchObject({ kind: 'permanent' });
  });

  it('treats timeouts and unknown errors as retryable', () => {
    expect(classifyError(new DOMException('t', 'TimeoutError'), 15_000)).toEqual({ kind: 'retry', message: 'timed out after 15000 ms' });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(classifyError(refused, 15_000)).toMatchObject({ kind: 'retry', message: stringContaining('ECONNREFUSED') });
    expect(classifyError('weird', 15_000)).toMatchObject({ kind: 'retry', message: 'weird' });
  });
});
