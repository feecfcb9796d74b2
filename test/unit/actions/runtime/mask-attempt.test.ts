import { describe, expect, it } from 'vitest';
import { RESPONSE_SNIPPET_BYTES } from '../../../../src/actions/runtime/http-outcome.ts';
import { maskOutcome } from '../../../../src/actions/runtime/mask-attempt.ts';
import { webhookAction } from '../../../../src/actions/webhook/index.ts';

const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX';

describe('an attempt outcome as it is recorded', () => {
  const prepared = { action: webhookAction, params: { url: SLACK, method: 'POST' } } as never;

  it('masks what the answer and the message echo, the URL by what follows its host', () => {
    const outcome = maskOutcome(
      {
        ok: false,
        kind: 'permanent',
        latencyMs: 3,
        status: 401,
        message: 'HTTP 401 from X: invalid key routing-key-0123',
        response: `no hook ${SLACK}`,
      },
      ['routing-key-0123'],
      prepared,
    );
    expect(outcome).toMatchObject({
      message: 'HTTP 401 from X: invalid key [redacted, 16 chars]',
      response: 'no hook https://hooks.slack.com/[redacted, 31 chars]',
    });
  });

  it('masks a secret that a delivery warning echoes (an SMTP server quoting what it refused)', () => {
    const warning = 'sent to 1 of 2 recipients; the SMTP server refused x@example.com (550 relay denied for routing-key-0123)';
    const outcome = maskOutcome({ ok: true, latencyMs: 1, status: 250, warning }, ['routing-key-0123'], prepared);
    expect(outcome).toMatchObject({ warning: warning.replace('routing-key-0123', '[redacted, 16 chars]') });
  });

  it('masks the start of a secret that an answer kept to 2 KB, or a message cut with …, ends with', () => {
    const kept = `${'x'.repeat(RESPONSE_SNIPPET_BYTES - 10)}routing-ke`;
    const outcome = maskOutcome({ ok: true, latencyMs: 1, status: 200, response: kept }, ['routing-key-0123'], prepared);
    expect(outcome).toMatchObject({ response: `${'x'.repeat(RESPONSE_SNIPPET_BYTES - 10)}[redacted, cut]` });
    const message = maskOutcome(
      { ok: false, kind: 'retry', latencyMs: 1, message: 'HTTP 500: key routing-…' },
      ['routing-key-0123'],
      prepared,
    );
    expect(message).toMatchObject({ message: 'HTTP 500: key [redacted, cut]…' });
    const whole = maskOutcome(
      { ok: false, kind: 'retry', latencyMs: 1, message: 'HTTP 500: key routing-' },
      ['routing-key-0123'],
      prepared,
    );
    expect(whole).toMatchObject({ message: 'HTTP 500: key routing-' });
  });

  it('leaves an outcome that echoes nothing as it is', () => {
    const outcome = { ok: true as const, latencyMs: 1, status: 200, response: 'ok' };
    expect(maskOutcome(outcome, ['routing-key-0123'], prepared)).toBe(outcome);
  });
});
