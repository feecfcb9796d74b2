/**
 * A rules check gives GitHub's calls the attempt's abort signal: a stopping worker ends a call GitHub has not
 * answered yet instead of waiting for it (or for a rate limit). Real local HTTP server that never answers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import type { RulesContext } from '../../../../src/rules/rule.ts';
import { createRulesCheckAction } from '../../../../src/github/rules-check/rules-check-action.ts';
import type { GithubConnectorSettings } from '../../../../src/github/github-settings.ts';
import { actionContext } from '../../../helpers/action-context.ts';
import { silentLogger } from '../../../helpers/hub-fixtures.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Takes every request and never answers; `closed` resolves when the hub ends one. */
async function startSilentGithub() {
  let seen: () => void = () => undefined;
  let closed: () => void = () => undefined;
  const requested = new Promise<void>((resolve) => (seen = resolve));
  const ended = new Promise<void>((resolve) => (closed = resolve));
  server = createServer((req) => {
    seen();
    req.socket.on('close', () => closed());
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requested, ended };
}

it('ends the call GitHub has not answered when the attempt is aborted', async () => {
  const github = await startSilentGithub();
  const settings = {
    name: 'gh',
    apiUrl: github.url,
    auth: { token: 'ghp_x' },
    config: { rulesCheck: { repo: 'acme/rules', path: 'rules', last: 10 } },
  } as unknown as GithubConnectorSettings;
  const action = createRulesCheckAction({ connectors: [settings], context: () => ({}) as RulesContext, logger: silentLogger });
  const stop = new AbortController();
  const deps = { fetch, now: () => new Date(), channels: {}, signal: stop.signal };
  const job = { id: 'j1', eventId: 'e1', rule: 'rules-check', action: 'rules-check', params: {} };
  const params = { connector: 'gh', pull: '7', head: 'a'.repeat(40), base: 'b'.repeat(40) };
  const attempt = action.execute(params, actionContext(job as never, deps));
  attempt.catch(() => undefined);
  await github.requested;
  stop.abort(new Error('hub stopping'));
  await expect(attempt).rejects.toThrow();
  await github.ended;
});
