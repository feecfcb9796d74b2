import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHub, VIEWER_TOKEN, type ApiHub } from './api-harness.ts';

/** A pasted rule file of many rules, near the 64 KB cap: seconds of parsing on a slow machine, not milliseconds. */
function manyRules(count: number): string {
  const rule = (i: number) =>
    `  - name: r${i}\n    on: github.pull_request.*\n    when: { data.number: { $gt: ${i} }, data.pull_request.title: { $regex: "^fix-${i}" } }\n    do:\n      - notify: { channel: sink, text: "PR {{subject}} {{data.number}} ${i}" }\n`;
  return `rules:\n${Array.from({ length: count }, (_, i) => rule(i)).join('')}`;
}

/** POSTs and resolves with the answer; `sent` resolves once the whole request is on the wire. */
function postRules(base: string, yaml: string): { sent: Promise<void>; answer: Promise<{ status: number; body: string }> } {
  let onSent: () => void = () => undefined;
  const sent = new Promise<void>((resolve) => (onSent = resolve));
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(new URL('/api/rules/validate', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${VIEWER_TOKEN}` },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ yaml }), onSent);
  });
  return { sent, answer };
}

describe('pasted rules are checked off the event loop', () => {
  let hub: ApiHub;
  let strict: ApiHub;
  beforeAll(async () => {
    // The default limit (5 s) is not what this test is about, and a loaded 2-core machine took 5.4 s for these 250 rules.
    hub = await startApiHub({ rulesTimeLimitMs: 60_000 });
    strict = await startApiHub({ rulesTimeLimitMs: 1 });
  });
  afterAll(async () => {
    await hub?.stop();
    await strict?.stop();
  });

  it('answers /healthz while a large rule file is being checked', async () => {
    const order: string[] = [];
    const check = postRules(hub.base, manyRules(250));
    await check.sent;
    const health = fetch(`${hub.base}/healthz`).then((res) => {
      order.push('healthz');
      return res.status;
    });
    const checked = check.answer.then((answer) => {
      order.push('validate');
      return answer;
    });
    expect(await health).toBe(200);
    const answer = await checked;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ ok: true, diagnostics: [] });
    expect((JSON.parse(answer.body) as { rules: unknown[] }).rules).toHaveLength(250);
    expect(order).toEqual(['healthz', 'validate']);
  });

  it('stops a check that runs past its time limit and says so', async () => {
    const { answer } = postRules(strict.base, manyRules(50));
    const { status, body } = await answer;
    expect(status).toBe(422);
    expect((JSON.parse(body) as { error: string }).error).toMatch(/took longer than 1 ms to check/);
    expect((await fetch(`${strict.base}/healthz`)).status).toBe(200);
  });
});
