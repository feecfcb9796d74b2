import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeAuth, type FakeAppSettings } from './fake-github-auth.ts';
import { createFakeLimits } from './fake-github-limits.ts';
import { createFakeGithubStore } from './fake-github-store.ts';
import { handleAppHook, handleHooks, type Reply } from './fake-github-hooks.ts';
import { handlePulls, type FakePull } from './fake-github-pulls.ts';

export interface FakeGithubOptions {
  /** Personal access tokens accepted. */
  tokens?: string[];
  app?: FakeAppSettings;
  /** Clock for token expiry, JWT checks, delivery times and rate-limit resets. Default: real time. */
  now?: () => Date;
  /** Serve under a path prefix, as GitHub Enterprise Server does with `/api/v3`. */
  prefix?: string;
}

export interface FakeRequest {
  method: string;
  path: string;
  /** The query string (`per_page=100&cursor=…`), to tell a listing page from a single-item look-up. */
  query: string;
  status: number;
  /** Real wall-clock time the fake answered (for "did not hammer" checks). */
  at: number;
}

/**
 * A local GitHub REST API: repo and org webhooks CRUD, pings, deliveries with `Link` cursor pagination,
 * redelivery attempts (sent for real to the hook URL, signed with the hook's secret), App installation
 * tokens (JWT verified against the App's public key), 401/404/422 as GitHub answers them, and
 * `x-ratelimit-*` headers with primary and secondary limits.
 */
export async function startFakeGithub(options: FakeGithubOptions = {}) {
  const now = options.now ?? (() => new Date());
  const prefix = options.prefix ?? '';
  const store = createFakeGithubStore(now);
  const auth = createFakeAuth({ tokens: options.tokens ?? [], ...(options.app ? { app: options.app } : {}), now });
  const limits = createFakeLimits(now);
  const requests: FakeRequest[] = [];
  const pulls = new Map<string, FakePull[]>();
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  const server = createServer((req, res) => {
    void readJson(req).then((body) => {
      const path = (req.url ?? '/').split('?')[0]?.replace(prefix, '') ?? '/';
      const query = new URL(req.url ?? '/', 'http://fake').searchParams;
      const reply = route(req, path, query, body);
      requests.push({ method: req.method ?? 'GET', path, query: query.toString(), status: reply.status, at: Date.now() });
      send(res, reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`;

  function route(req: IncomingMessage, path: string, query: URLSearchParams, body: unknown): Reply {
    const headers = limits.headers();
    const refused = limits.secondaryRefusal();
    if (refused) return refused;
    const token = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
    if (token && req.method === 'POST') return accessToken(req, Number(token[1]), headers);
    if (path.startsWith('/app/hook')) {
      const problem = auth.jwtProblem(req.headers.authorization);
      if (problem) return { status: 401, headers, body: { message: problem, documentation_url: 'https://docs.github.com/rest' } };
      const reply = handleAppHook({ method: req.method ?? 'GET', path, query, body, store, base: url, track });
      return { ...reply, headers: { ...headers, ...reply.headers } };
    }
    if (!auth.tokenOk(req.headers.authorization))
      return { status: 401, headers, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
    const lacking = auth.missingPermission(req.headers.authorization, req.method ?? 'GET', path);
    if (lacking)
      return {
        status: 403,
        headers: { ...headers, 'x-accepted-github-permissions': lacking },
        body: { message: 'Resource not accessible by integration' },
      };
    const spent = limits.spend();
    if (spent) return spent;
    const pullsReply = req.method === 'GET' ? handlePulls(path, query, pulls, url) : undefined;
    if (pullsReply) return { ...pullsReply, headers: { ...limits.headers(), ...pullsReply.headers } };
    const reply = handleHooks({ method: req.method ?? 'GET', path, query, body, store, base: url, track });
    return { ...reply, headers: { ...limits.headers(), ...reply.headers } };
  }

  function accessToken(req: IncomingMessage, installationId: number, headers: Record<string, string>): Reply {
    const problem = auth.jwtProblem(req.headers.authorization);
    if (problem) return { status: 401, headers, body: { message: problem, documentation_url: 'https://docs.github.com/rest' } };
    if (installationId !== options.app?.installationId) return { status: 404, headers, body: { message: 'Not Found' } };
    const { token, expiresAt } = auth.mint();
    return {
      status: 201,
      headers,
      body: {
        token,
        expires_at: expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        permissions: auth.permissions(),
        repository_selection: 'all',
      },
    };
  }

  return {
    url,
    store,
    requests,
    issuedTokens: auth.issued,
    addRepo: (fullName: string) => store.add(`repos/${fullName}`),
    addOrg: (org: string) => store.add(`orgs/${org}`),
    /** Open pull requests of `owner/repo` for `GET /repos/{owner}/{repo}/pulls`. */
    setPulls: (repo: string, list: FakePull[]) => void pulls.set(repo.toLowerCase(), list),
    /** Gives the App a webhook (as its settings page would), pointing wherever `url` says. */
    setAppHook(hookUrl: string, secret?: string) {
      const time = new Date().toISOString();
      const owner = store.add('app');
      owner.hooks = [
        {
          type: 'App',
          id: store.nextId(),
          name: 'web',
          active: true,
          events: ['*'],
          config: { url: hookUrl, content_type: 'json', insecure_ssl: '0', ...(secret ? { secret } : {}) },
          created_at: time,
          updated_at: time,
        },
      ];
      return owner;
    },
    /** Hooks of a repo (`owner/repo`) or org, with their real secrets. */
    hooks: (target: string) => store.owners.get(target.includes('/') ? `repos/${target}` : `orgs/${target}`)?.hooks ?? [],
    setRateLimit: limits.setRateLimit,
    secondaryLimitOnce: limits.secondaryLimitOnce,
    secondaryLimitFor: limits.secondaryLimitFor,
    tooManyRequestsOnce: limits.tooManyRequestsOnce,
    /** Resolves when every ping and redelivery the fake started has been sent. */
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeGithub = Awaited<ReturnType<typeof startFakeGithub>>;

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch {
        resolve(undefined);
      }
    });
  });
}

function send(res: ServerResponse, reply: Reply): void {
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, { ...reply.headers, ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}) });
  res.end(text);
}
