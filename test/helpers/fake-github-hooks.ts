import { publicDelivery, publicHook, type FakeGithubStore, type FakeHook, type FakeOwner } from './fake-github-store.ts';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

interface HookRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  store: FakeGithubStore;
  base: string;
  track: (p: Promise<unknown>) => void;
}

const OWNER = '(repos/[^/]+/[^/]+|orgs/[^/]+)';
const ROUTES: [RegExp, string, (r: HookRequest, owner: FakeOwner, m: RegExpExecArray) => Reply][] = [
  [new RegExp(`^/${OWNER}/hooks$`), 'GET', (r, o) => ok(o.hooks.map((h) => publicHook(h, r.base, hooksPathOf(r))))],
  [new RegExp(`^/${OWNER}/hooks$`), 'POST', createHook],
  [new RegExp(`^/${OWNER}/hooks/(\\d+)$`), 'GET', (r, o, m) => withHook(o, m, (h) => ok(publicHook(h, r.base, hooksPathOf(r))))],
  [new RegExp(`^/${OWNER}/hooks/(\\d+)$`), 'PATCH', (r, o, m) => withHook(o, m, (h) => updateHook(r, h))],
  [
    new RegExp(`^/${OWNER}/hooks/(\\d+)$`),
    'DELETE',
    (_r, o, m) => withHook(o, m, (h) => ((o.hooks = o.hooks.filter((x) => x !== h)), { status: 204, headers: {} })),
  ],
  [
    new RegExp(`^/${OWNER}/hooks/(\\d+)/pings$`),
    'POST',
    (r, o, m) =>
      withHook(
        o,
        m,
        (h) => (
          r.track(r.store.deliver(o, h, { event: 'ping', payload: { zen: 'Keep it logically awesome.', hook_id: h.id } })),
          { status: 204, headers: {} }
        ),
      ),
  ],
  [new RegExp(`^/${OWNER}/hooks/(\\d+)/deliveries$`), 'GET', (r, o, m) => withHook(o, m, (h) => listDeliveries(r, o, h))],
  [
    new RegExp(`^/${OWNER}/hooks/(\\d+)/deliveries/(\\d+)/attempts$`),
    'POST',
    (r, o, m) => withHook(o, m, (h) => redeliver(r, o, h, Number(m[3]))),
  ],
];

/** Webhook endpoints of a repo or org, in GitHub's shapes; 404 for an owner the fake does not know. */
export function handleHooks(r: HookRequest): Reply {
  for (const [pattern, method, handler] of ROUTES) {
    const m = pattern.exec(r.path);
    if (!m || method !== r.method) continue;
    const owner = r.store.owners.get(m[1] ?? '');
    return owner ? handler(r, owner, m) : notFound();
  }
  return notFound();
}

/** The GitHub App's own webhook (`/app/hook/...`, JWT-authenticated); 404 until the test sets one up. */
export function handleAppHook(r: HookRequest): Reply {
  const owner = r.store.owners.get('app');
  const hook = owner?.hooks[0];
  if (!owner || !hook) return notFound();
  if (r.path === '/app/hook/config' && r.method === 'GET') return ok(appConfig(hook));
  if (r.path === '/app/hook/config' && r.method === 'PATCH') {
    const { secret, ...rest } = (r.body ?? {}) as Partial<FakeHook['config']>;
    hook.config = {
      ...hook.config,
      ...rest,
      insecure_ssl: String(rest.insecure_ssl ?? hook.config.insecure_ssl),
      ...(secret ? { secret } : {}),
    };
    return ok(appConfig(hook));
  }
  if (r.path === '/app/hook/deliveries' && r.method === 'GET') return listDeliveries(r, owner, hook);
  const attempt = /^\/app\/hook\/deliveries\/(\d+)\/attempts$/.exec(r.path);
  if (attempt && r.method === 'POST') return redeliver(r, owner, hook, Number(attempt[1]));
  return notFound();
}

function appConfig(hook: FakeHook) {
  const { secret, ...config } = hook.config;
  return secret ? { ...config, secret: '********' } : config;
}

function createHook(r: HookRequest, owner: FakeOwner): Reply {
  const body = (r.body ?? {}) as { events?: string[]; active?: boolean; config?: Partial<FakeHook['config']> };
  if (!body.config?.url) return invalid('url', 'missing_field');
  if (owner.hooks.some((h) => h.config.url === body.config?.url)) {
    return {
      status: 422,
      headers: {},
      body: {
        message: 'Validation Failed',
        errors: [{ resource: 'Hook', code: 'custom', message: 'Hook already exists on this repository' }],
      },
    };
  }
  const time = new Date().toISOString();
  const hook: FakeHook = {
    type: r.path.startsWith('/orgs/') ? 'Organization' : 'Repository',
    id: r.store.nextId(),
    name: 'web',
    active: body.active ?? true,
    events: body.events ?? ['push'],
    config: {
      url: body.config.url,
      content_type: body.config.content_type ?? 'form',
      insecure_ssl: String(body.config.insecure_ssl ?? '0'),
      ...(body.config.secret ? { secret: body.config.secret } : {}),
    },
    created_at: time,
    updated_at: time,
  };
  owner.hooks.push(hook);
  return { status: 201, headers: {}, body: publicHook(hook, r.base, hooksPathOf(r)) };
}

function updateHook(r: HookRequest, hook: FakeHook): Reply {
  const body = (r.body ?? {}) as { events?: string[]; active?: boolean; config?: Partial<FakeHook['config']> };
  if (body.events) hook.events = body.events;
  if (body.active !== undefined) hook.active = body.active;
  if (body.config) {
    // As on GitHub: a config without `secret` removes the secret.
    const { secret, ...rest } = body.config;
    hook.config = { ...hook.config, ...rest, insecure_ssl: String(rest.insecure_ssl ?? hook.config.insecure_ssl) };
    if (secret) hook.config.secret = secret;
    else delete hook.config.secret;
  }
  hook.updated_at = new Date().toISOString();
  return ok(publicHook(hook, r.base, hooksPathOf(r).replace(/\/\d+$/, '')));
}

function listDeliveries(r: HookRequest, owner: FakeOwner, hook: FakeHook): Reply {
  const all = owner.deliveries.get(hook.id) ?? [];
  const perPage = Math.min(Number(r.query.get('per_page') ?? 30), 100);
  const cursor = r.query.get('cursor');
  const start = cursor ? all.findIndex((d) => `v1_${d.id}` === cursor) : 0;
  if (start < 0) return invalid('cursor', 'invalid');
  const page = all.slice(start, start + perPage);
  const next = all[start + perPage];
  const headers: Record<string, string> = next ? { link: `<${r.base}${r.path}?per_page=${perPage}&cursor=v1_${next.id}>; rel="next"` } : {};
  return { status: 200, headers, body: page.map(publicDelivery) };
}

function redeliver(r: HookRequest, owner: FakeOwner, hook: FakeHook, deliveryId: number): Reply {
  const original = (owner.deliveries.get(hook.id) ?? []).find((d) => d.id === deliveryId);
  if (!original) return notFound();
  const refused = r.store.redeliveries.refusedWith;
  if (refused !== undefined) return { status: refused, headers: {}, body: { message: 'Resource not accessible by integration' } };
  r.track(r.store.deliver(owner, hook, { event: original.event, payload: original.payload, guid: original.guid, redelivery: true }));
  return { status: 202, headers: {}, body: {} };
}

function withHook(owner: FakeOwner, m: RegExpExecArray, run: (hook: FakeHook) => Reply): Reply {
  const hook = owner.hooks.find((h) => h.id === Number(m[2]));
  return hook ? run(hook) : notFound();
}

function hooksPathOf(r: HookRequest): string {
  return r.path.replace(/(\/hooks)(\/.*)?$/, '$1');
}

const ok = (body: unknown): Reply => ({ status: 200, headers: {}, body });
const notFound = (): Reply => ({
  status: 404,
  headers: {},
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
});
const invalid = (field: string, code: string): Reply => ({
  status: 422,
  headers: {},
  body: { message: 'Validation Failed', errors: [{ resource: 'Hook', field, code }] },
});
