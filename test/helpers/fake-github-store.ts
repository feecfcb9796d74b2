import { createHmac, randomUUID } from 'node:crypto';

/** A webhook as the fake stores it: unlike GitHub's answers, the secret is kept in clear. */
export interface FakeHook {
  type: 'Repository' | 'Organization' | 'App';
  id: number;
  name: 'web';
  active: boolean;
  events: string[];
  config: { url: string; content_type: string; insecure_ssl: string; secret?: string };
  created_at: string;
  updated_at: string;
}

/** One delivery attempt, in GitHub's list shape, plus what the fake needs to send it again. */
export interface FakeDelivery {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  duration: number;
  status: string;
  status_code: number;
  event: string;
  action: string | null;
  installation_id: number | null;
  repository_id: number | null;
  throttled_at: string | null;
  payload: unknown;
}

export interface FakeOwner {
  hooks: FakeHook[];
  deliveries: Map<number, FakeDelivery[]>;
}

/** Hooks and deliveries per repo (`owner/repo`) and org (`org`). Ids are global, as on GitHub. */
export function createFakeGithubStore(now: () => Date) {
  const owners = new Map<string, FakeOwner>();
  let nextId = 1000;
  const id = () => ++nextId;

  /** Sends `payload` to the hook's URL as GitHub would, and records the attempt. */
  async function deliver(
    owner: FakeOwner,
    hook: FakeHook,
    d: { event: string; payload: unknown; guid?: string; redelivery?: boolean },
  ): Promise<FakeDelivery> {
    const body = JSON.stringify(d.payload);
    const guid = d.guid ?? randomUUID();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/fake',
      'x-github-event': d.event,
      'x-github-delivery': guid,
      'x-github-hook-id': String(hook.id),
    };
    if (hook.config.secret)
      headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', hook.config.secret).update(body).digest('hex')}`;
    const started = Date.now();
    let status_code = 0;
    let status = 'failed to connect to host';
    try {
      const res = await fetch(hook.config.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      status_code = res.status;
      status = res.ok ? 'OK' : `Invalid HTTP Response: ${res.status}`;
    } catch {
      // connection refused or timed out: GitHub lists these with status_code 0
    }
    const action = (d.payload as { action?: unknown }).action;
    return record(owner, hook.id, {
      guid,
      event: d.event,
      payload: d.payload,
      redelivery: d.redelivery ?? false,
      status,
      status_code,
      duration: (Date.now() - started) / 1000,
      action: typeof action === 'string' ? action : null,
    });
  }

  function record(
    owner: FakeOwner,
    hookId: number,
    d: Omit<FakeDelivery, 'id' | 'delivered_at' | 'installation_id' | 'repository_id' | 'throttled_at'> & { delivered_at?: string },
  ): FakeDelivery {
    const delivery: FakeDelivery = {
      installation_id: null,
      repository_id: null,
      throttled_at: null,
      delivered_at: now().toISOString(),
      ...d,
      id: id(),
    };
    owner.deliveries.set(hookId, [delivery, ...(owner.deliveries.get(hookId) ?? [])]);
    return delivery;
  }

  return {
    owners,
    /** While `refusedWith` is set, every redelivery request is refused with that status, as GitHub refuses a token without hook write access. */
    redeliveries: { refusedWith: undefined as number | undefined },
    nextId: id,
    add(name: string): FakeOwner {
      const owner = owners.get(name) ?? { hooks: [], deliveries: new Map() };
      owners.set(name, owner);
      return owner;
    },
    deliver,
    record,
  };
}

export type FakeGithubStore = ReturnType<typeof createFakeGithubStore>;

/** A hook as GitHub answers it: the secret masked, links included. */
export function publicHook(hook: FakeHook, base: string, path: string) {
  const { secret, ...config } = hook.config;
  const self = `${base}${path}/${hook.id}`;
  return {
    ...hook,
    config: secret ? { ...config, secret: '********' } : config,
    url: self,
    test_url: `${self}/test`,
    ping_url: `${self}/pings`,
    deliveries_url: `${self}/deliveries`,
  };
}

/** The list shape of a delivery (no payload). */
export function publicDelivery({ payload: _payload, ...rest }: FakeDelivery) {
  return rest;
}
